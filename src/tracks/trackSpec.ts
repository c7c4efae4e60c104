// The shape of a track, levels/<id>/track.json: its levels in order, the files it starts
// from and ends at, what its programs run against, and the events they send. A track is
// data: adding one needs no TypeScript (docs/tracks.md describes every field).
import { z } from 'zod';
import { identifier, levelSchema, targetSpecSchema } from './levelSpec.js';

const eventOutputSchema = z.strictObject({
  /** The BPF_PERF_OUTPUT the events come through. */
  name: identifier,
  /** What each event is: a connection opened, bytes that went through, a connection closed. */
  event: z.enum(['open', 'data', 'close']),
  /** Data events: msg_size, the field saying how many bytes of msg were captured; nul, msg up to its first NUL byte. */
  size: z.enum(['msg_size', 'nul']).optional(),
});

export const eventsSpecSchema = z
  .strictObject({
    /**
     * connection: every event carries a `conn_id` struct of `pid` and `fd` (one stream per
     * connection); process: a `pid` field and no fd (one stream per process).
     */
    key: z.enum(['connection', 'process']),
    outputs: z.array(eventOutputSchema).min(1),
  })
  .superRefine((events, ctx) => {
    events.outputs.forEach((output, i) => {
      if ((output.event === 'data') !== (output.size !== undefined)) {
        ctx.addIssue({ code: 'custom', path: ['outputs', i, 'size'], message: 'data outputs, and only they, say how the message size is known: msg_size or nul' });
      }
    });
  });

const trackFile = z.string().regex(/^[^\0]+\.c$/, 'must be the path of a .c file, relative to the track\'s directory');

export const trackSchema = z
  .strictObject({
    /** What --track takes; the track's directory has the same name. */
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a lower-case name such as http'),
    title: z.string().min(1),
    summary: z.string().min(1),
    /** The learner's starting file, relative to the track's directory. */
    start: trackFile,
    /** The complete program, every level done: the one source the steps and hints are checked against. */
    reference: trackFile,
    target: targetSpecSchema,
    events: eventsSpecSchema,
    /** Names the track teaches besides its hooks and maps (structs, helpers, enumerators): "did you mean" suggests from them. */
    names: z.array(identifier).default([]),
    levels: z.array(levelSchema).min(1),
  })
  .superRefine((track, ctx) => {
    track.levels.forEach((level, i) => {
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
    track.levels.forEach((level, i) => {
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
      level.spec.perfOutputs.forEach((output, j) => {
        if (!track.events.outputs.some((o) => o.name === output.name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['levels', i, 'spec', 'perfOutputs', j, 'name'],
            message: `${output.name} is not one of the track's event outputs (events.outputs)`,
          });
        }
      });
    });
  });

export type EventsSpec = z.output<typeof eventsSpecSchema>;
export type EventOutputSpec = EventsSpec['outputs'][number];
export type TrackSpec = z.output<typeof trackSchema>;
