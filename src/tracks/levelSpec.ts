// The shape of one level of a track (levels/<track>/track.json, see trackSpec.ts): what it
// asks the learner to write, and what a check of that level expects to find in the compiled
// program and in a live run. The levels are data; this schema is what makes them trustworthy.
import { z } from 'zod';
import { errorCodes, type ErrorCode } from '../errors/codes.js';
import { hookName, type HookKind } from '../hooks/hookNames.js';

/** The live checks' failure codes (src/pipeline/judge.ts) a level may word its own hint for. */
type LiveCode = Extract<ErrorCode, `LIVE_${string}`>;
const LIVE_CODES = errorCodes.filter((code): code is LiveCode => code.startsWith('LIVE_')) as [LiveCode, ...LiveCode[]];
export type LiveHints = Partial<Record<LiveCode, string>>;

export const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a C identifier');
const targetName = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a lower-case name such as demo-http');

/** What the hooks watch, and the traffic sent to it; the names are those of src/targets/targets.ts. */
export const targetSpecSchema = z.strictObject({
  /** The server the hooks watch, e.g. demo-http: the native demo server on loopback. */
  server: targetName,
  /** What is sent to it, e.g. tutorial-post: the tutorial's POST /customResponse {"size": N}. */
  request: targetName,
});

const hookKinds = ['entry', 'return'] as const satisfies readonly HookKind[];

const syscallHookSchema = z
  .strictObject({
    /** The C function the learner writes. */
    name: identifier,
    /** entry: runs when the system call starts (sees its arguments); return: when it ends (sees its result). */
    kind: z.enum(hookKinds),
    /** The system call hooked, as in `man 2 <syscall>`. */
    syscall: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a system call name such as accept4'),
  })
  .superRefine((hook, ctx) => {
    const expected = hookName(hook.kind, hook.syscall);
    if (hook.name !== expected) {
      ctx.addIssue({
        code: 'custom',
        path: ['name'],
        message: `the ${hook.kind} hook of ${hook.syscall} must be named ${expected}, not ${hook.name}`,
      });
    }
  });

/** A function of a library the target process maps (found in /proc/PID/maps), e.g. OpenSSL's SSL_write. */
const uprobeHookSchema = z.strictObject({
  name: identifier,
  kind: z.literal('uprobe'),
  /** The library's short name: `ssl` is the first mapped file named libssl.so*. */
  library: z.string().regex(/^[a-z0-9_+-]+$/, 'must be a library\'s short name such as ssl'),
  /** The function in it. */
  symbol: identifier,
  /** true: runs when the function returns (a uretprobe); false: when it is called. */
  return: z.boolean(),
});

export const hookSpecSchema = z.union([syscallHookSchema, uprobeHookSchema]);

/** Map kinds, named as src/engine/mapTypes.ts `mapKind()` names the kernel's map types. */
export const mapKinds = [
  'hash',
  'array',
  'perf_event_array',
  'percpu_hash',
  'percpu_array',
  'lru_hash',
  'lru_percpu_hash',
  'ringbuf',
] as const;

const byteSize = z.number().int().positive();

export const mapSpecSchema = z.strictObject({
  name: identifier,
  kind: z.enum(mapKinds),
  /** Sizes in bytes as BCC reports them (tables(): keySize, leafSize); absent = not checked. */
  keySize: byteSize.optional(),
  valueSize: byteSize.optional(),
});

export const perfOutputSpecSchema = z.strictObject({
  /** The BPF_PERF_OUTPUT's name; the level also lists it as a perf_event_array map. */
  name: identifier,
  /** The struct tag of the events submitted to it, e.g. socket_open_event_t. */
  struct: identifier,
  /** Fields the event struct must have, by name (BCC reports them as `name#type`). */
  requiredFields: z.array(identifier).min(1),
});

/** What a live run of the level must capture while the target handles the track's requests. */
export const expectedEventsSchema = z
  .strictObject({
    /** false: the program is compiled and loaded (the verifier passes), but nothing is attached. */
    attach: z.boolean().default(true),
    /** An open event for the accepted connection (client address, fd). */
    open: z.boolean().default(false),
    /** An ingress data event holding the request. */
    ingress: z.boolean().default(false),
    /** An egress data event holding the response. */
    egress: z.boolean().default(false),
    /** A close event for the connection. */
    close: z.boolean().default(false),
    /** One connection id carries all of the above: a complete request/response exchange. */
    exchange: z.boolean().default(false),
    /**
     * No event from any process but the target's: the program filters by pid itself. Judged on
     * what the capture left out (a target's request that brings a second client, such as
     * tutorial-post-and-libssl-client, makes sure there is something to leave out).
     */
    onlyTarget: z.boolean().default(false),
  })
  .superRefine((events, ctx) => {
    const wanted = (['open', 'ingress', 'egress', 'close'] as const).filter((k) => events[k]);
    if (!events.attach && (wanted.length > 0 || events.exchange || events.onlyTarget)) {
      ctx.addIssue({ code: 'custom', message: 'a level that attaches nothing cannot expect events' });
    }
    if (events.exchange && wanted.length < 4) {
      ctx.addIssue({
        code: 'custom',
        path: ['exchange'],
        message: 'a complete exchange needs open, ingress, egress and close to be expected too',
      });
    }
  });

const levelSpecSchema = z
  .strictObject({
    /** The hooks this level adds or changes; a run of level N attaches every hook of levels ≤ N. */
    hooks: z.array(hookSpecSchema),
    /** The maps this level introduces (hash maps and the perf event arrays behind perf outputs). */
    maps: z.array(mapSpecSchema),
    /** The perf outputs this level introduces. */
    perfOutputs: z.array(perfOutputSpecSchema),
    expectedEvents: expectedEventsSchema,
  })
  .superRefine((spec, ctx) => {
    spec.perfOutputs.forEach((output, i) => {
      const map = spec.maps.find((m) => m.name === output.name);
      if (map?.kind !== 'perf_event_array') {
        ctx.addIssue({
          code: 'custom',
          path: ['perfOutputs', i, 'name'],
          message: `perf output ${output.name} needs a map of kind perf_event_array with the same name in this level's maps`,
        });
      }
    });
  });

export const levelSchema = z
  .strictObject({
    id: z.number().int().nonnegative(),
    title: z.string().min(1),
    /** One sentence: what the learner achieves in this level. */
    summary: z.string().min(1),
    /** The Markdown instructions, relative to the manifest's directory: `<id>-<slug>.md`. */
    instructions: z.string().regex(/^\d+-[a-z0-9-]+\.md$/, 'must be a file name like 0-accept4-outline.md'),
    /** The learner's file once this level is done, relative to the track's directory (the last level's may be the reference). */
    step: z.string().min(1),
    /** From a gentle nudge to the exact code. */
    hints: z.array(z.string().min(1)).min(3, 'every level needs at least 3 hints'),
    /** The hint a failed live check gives, by its code (LIVE_REQUEST_MISSING…), in the track's own names; unset codes keep the HTTP track's wording. */
    liveHints: z.partialRecord(z.enum(LIVE_CODES), z.string().min(1)).default({}),
    spec: levelSpecSchema,
    /** A target other than the track's for this level (e.g. a server built against another library). */
    target: targetSpecSchema.optional(),
  })
  .superRefine((level, ctx) => {
    if (!level.instructions.startsWith(`${level.id}-`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['instructions'],
        message: `the instructions of level ${level.id} must be named ${level.id}-<slug>.md`,
      });
    }
  });

export type HookSpec = z.output<typeof hookSpecSchema>;
export type TargetSpec = z.output<typeof targetSpecSchema>;
export type MapSpec = z.output<typeof mapSpecSchema>;
export type PerfOutputSpec = z.output<typeof perfOutputSpecSchema>;
export type ExpectedEvents = z.output<typeof expectedEventsSchema>;
export type Level = z.output<typeof levelSchema>;
