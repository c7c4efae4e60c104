// The verdict of `check` on one file at one level: what `check --json` prints, what the app
// shows, and what graders parse. The zod schema is the contract; tests validate against it.
import { z } from 'zod';
import { errorCodes, type ErrorCode } from '../errors/codes.js';

export const checkStatusSchema = z.enum(['pass', 'fail', 'skip']);

export const locationSchema = z.strictObject({
  file: z.string(),
  line: z.number().int().positive(),
  column: z.number().int().positive().nullable(),
});

/** A kind of failure, stable (src/errors/codes.ts, docs/errors.md). */
export const errorCodeSchema = z.enum(errorCodes as [ErrorCode, ...ErrorCode[]]);

export const checkResultSchema = z.strictObject({
  /** Stable id: `file`, `compile`, `hook:<name>`, `map:<name>`, `output:<name>`, `verifier:<hook>`, `live:<what>`. */
  id: z.string(),
  title: z.string(),
  status: checkStatusSchema,
  /** What kind of failure, on every failing check: the board shows the first failing check's code. */
  code: errorCodeSchema.optional(),
  message: z.string(),
  hint: z.string().nullable(),
  location: locationSchema.nullable(),
  /** Raw compiler output or verifier log behind a failure, for --verbose. */
  raw: z.string().nullable().optional(),
}).refine((check) => check.status !== 'fail' || check.code !== undefined, { message: 'a failing check carries a code', path: ['code'] });

const clientSchema = z.strictObject({ family: z.string(), address: z.string(), port: z.number().int() }).nullable();

export const captureReportSchema = z.strictObject({
  events: z.strictObject({
    open: z.number().int().nonnegative(),
    ingress: z.number().int().nonnegative(),
    egress: z.number().int().nonnegative(),
    close: z.number().int().nonnegative(),
  }),
  exchanges: z.array(
    z.strictObject({
      pid: z.number().int(),
      fd: z.number().int(),
      client: clientSchema,
      request: z.string(),
      response: z.string(),
    }),
  ),
});

export const checkReportSchema = z.strictObject({
  level: z.number().int().min(0),
  file: z.string(),
  passed: z.boolean(),
  attachMode: z.enum(['kprobe', 'tracepoint']),
  checks: z.array(checkResultSchema),
  capture: captureReportSchema,
});

export type CheckStatus = z.infer<typeof checkStatusSchema>;
export type CheckLocation = z.infer<typeof locationSchema>;
export type CheckResult = z.infer<typeof checkResultSchema>;
export type CaptureReport = z.infer<typeof captureReportSchema>;
export type CheckReport = z.infer<typeof checkReportSchema>;

/** The capture of a report whose program caught nothing (not attached, or no live part); a fresh object each time. */
export function emptyCapture(): CaptureReport {
  return { events: { open: 0, ingress: 0, egress: 0, close: 0 }, exchanges: [] };
}

export function pass(id: string, title: string, message: string): CheckResult {
  return { id, title, status: 'pass', message, hint: null, location: null };
}

export function fail(
  id: string,
  title: string,
  message: string,
  extra: { code: ErrorCode; hint?: string | null; location?: CheckLocation | null; raw?: string | null },
): CheckResult {
  return { id, title, status: 'fail', code: extra.code, message, hint: extra.hint ?? null, location: extra.location ?? null, raw: extra.raw ?? null };
}

export function skip(id: string, title: string, why: string): CheckResult {
  return { id, title, status: 'skip', message: why, hint: null, location: null };
}
