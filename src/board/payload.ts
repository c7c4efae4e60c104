// What a learner's machine sends to the classroom board after each check: the verdict of
// `check --json` with its codes, and nothing of the learner's program unless they opted in
// (--share-code). The payload is built field by field from the report (an allow-list, not a
// deny-list), so a field that `check --json` grows later is not sent until it is added here.
import path from 'node:path';
import { z } from 'zod';
import type { CheckReport, CheckResult } from '../report/checkReport.js';

/** Bytes of a payload the board accepts; a shared program is cut to fit well within it. */
export const PAYLOAD_LIMIT = 96 * 1024;
export const SHARED_SOURCE_LIMIT = 64 * 1024;
export const NAME_LIMIT = 40;
const TEXT_LIMIT = 400;
const CHECK_LIMIT = 64;

const text = (max: number) => z.string().max(max);

export const payloadCheckSchema = z.object({
  id: text(120),
  title: text(TEXT_LIMIT),
  status: z.enum(['pass', 'fail', 'skip']),
  /** The failure's stable code (docs/errors.md); null for checks that did not fail. */
  code: text(80).nullable(),
  message: text(TEXT_LIMIT),
  hint: text(TEXT_LIMIT).nullable(),
  location: z.object({ file: text(200), line: z.number().int().positive(), column: z.number().int().positive().nullable() }).nullable(),
});

export const boardPayloadSchema = z.object({
  name: z
    .string()
    .min(1)
    .max(NAME_LIMIT)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'no control characters'),
  track: text(40),
  /** When the learner's machine sent it (ms since the epoch): the board's latency figure. */
  sentAt: z.number(),
  report: z.object({
    level: z.number().int().min(0).max(1000),
    file: text(200),
    passed: z.boolean(),
    attachMode: text(20),
    checks: z.array(payloadCheckSchema).max(CHECK_LIMIT),
    capture: z.object({ events: z.record(z.string(), z.number().int().nonnegative()) }),
  }),
  /** The learner's program, only with --share-code. */
  source: text(SHARED_SOURCE_LIMIT).optional(),
});

export type PayloadCheck = z.infer<typeof payloadCheckSchema>;
export type BoardPayload = z.infer<typeof boardPayloadSchema>;

/**
 * The failing check's stable code (docs/errors.md), which `check --json` carries on every
 * failing check; should one ever lack it, its id (stable too) stands in.
 */
export function failureCode(check: CheckResult): string | null {
  if (check.status !== 'fail') return null;
  return check.code ?? check.id;
}

function cut(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

/** A learner's display name: trimmed, no control characters, at most NAME_LIMIT characters. */
export function cleanName(name: string): string {
  return cut(name.replace(/[\u0000-\u001f\u007f]/g, ' ').trim(), NAME_LIMIT);
}

export interface PayloadOptions {
  name: string;
  track: string;
  /** The learner's program, sent only when given (the learner passed --share-code). */
  sharedSource?: string;
  now?: number;
}

/**
 * The payload for one report. Kept: ids, titles, statuses, codes, messages, hints, line
 * numbers, the file's base name, event counts. Dropped: `raw` (the compiler's output and the
 * verifier's log quote the program's lines), the captured exchanges, the file's directory.
 */
export function boardPayload(report: CheckReport, options: PayloadOptions): BoardPayload {
  // Titles and messages name the file as it was given: keep its name, not where it lives.
  const base = path.basename(report.file);
  const plain = (text: string, max: number) => cut(report.file === base ? text : text.split(report.file).join(base), max);
  const checks = report.checks.slice(0, CHECK_LIMIT).map(
    (check): PayloadCheck => ({
      id: cut(check.id, 120),
      title: plain(check.title, TEXT_LIMIT),
      status: check.status,
      code: failureCode(check),
      message: plain(check.message, TEXT_LIMIT),
      hint: check.hint === null ? null : plain(check.hint, TEXT_LIMIT),
      location: check.location && {
        file: cut(path.basename(check.location.file), 200),
        line: check.location.line,
        column: check.location.column,
      },
    }),
  );
  const payload: BoardPayload = {
    name: cleanName(options.name),
    track: cut(options.track, 40),
    sentAt: options.now ?? Date.now(),
    report: {
      level: report.level,
      file: cut(base, 200),
      passed: report.passed,
      attachMode: report.attachMode,
      checks,
      capture: { events: { ...report.capture.events } },
    },
  };
  if (options.sharedSource !== undefined) payload.source = cut(options.sharedSource, SHARED_SOURCE_LIMIT);
  return payload;
}
