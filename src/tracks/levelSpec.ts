// The shape of levels/levels.json: what each level of the workshop asks the learner to
// write, and what a check of that level expects to find in the compiled program and in a
// live run. The manifest is data; this schema is what makes it trustworthy.
import { z } from 'zod';
import { hookName, type HookKind } from '../hooks/hookNames.js';

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a C identifier');
const hookKinds = ['entry', 'return'] as const satisfies readonly HookKind[];

export const hookSpecSchema = z
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

/** What a live run of the level must capture while the demo server handles a request. */
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
  })
  .superRefine((events, ctx) => {
    const wanted = (['open', 'ingress', 'egress', 'close'] as const).filter((k) => events[k]);
    if (!events.attach && (wanted.length > 0 || events.exchange)) {
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

export const levelSpecSchema = z
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
    /** From a gentle nudge to the exact code. */
    hints: z.array(z.string().min(1)).min(3, 'every level needs at least 3 hints'),
    spec: levelSpecSchema,
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

export const manifestSchema = z
  .strictObject({
    levels: z.array(levelSchema).min(1),
  })
  .superRefine((manifest, ctx) => {
    manifest.levels.forEach((level, i) => {
      if (level.id !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['levels', i, 'id'],
          message: `levels must be numbered 0, 1, 2, … in order: expected ${i}, found ${level.id}`,
        });
      }
    });
    // A map or perf output is introduced once; a later level may change a hook, so hooks may repeat.
    const introducedBy = new Map<string, number>();
    manifest.levels.forEach((level, i) => {
      for (const [field, entries] of [
        ['maps', level.spec.maps],
        ['perfOutputs', level.spec.perfOutputs],
      ] as const) {
        entries.forEach((entry, j) => {
          const key = `${field}:${entry.name}`;
          const first = introducedBy.get(key);
          if (first !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: ['levels', i, 'spec', field, j, 'name'],
              message: `${entry.name} is already introduced by level ${first}`,
            });
          } else {
            introducedBy.set(key, level.id);
          }
        });
      }
    });
  });

export type HookSpec = z.output<typeof hookSpecSchema>;
export type MapSpec = z.output<typeof mapSpecSchema>;
export type PerfOutputSpec = z.output<typeof perfOutputSpecSchema>;
export type ExpectedEvents = z.output<typeof expectedEventsSchema>;
export type LevelSpec = z.output<typeof levelSpecSchema>;
export type Level = z.output<typeof levelSchema>;
export type Manifest = z.output<typeof manifestSchema>;
