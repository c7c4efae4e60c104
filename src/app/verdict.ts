// The line (or lines: it wraps) under the capture: has the level passed? If not, the first
// live check that fails and what to do; or a notice for the learner, or the question the
// app is asking.
import type { Segment } from './captureLines.js';
import type { LiveVerdict } from './workshopSession.js';

export interface VerdictInput {
  level: number;
  lastLevel: number;
  attached: boolean;
  attaches: boolean;
  live: LiveVerdict;
  passedLevel: number | null;
  notice: string | null;
}

export function verdictSegments({ level, lastLevel, attached, attaches, live, passedLevel, notice }: VerdictInput): Segment[] {
  if (passedLevel === level) {
    const next = level < lastLevel ? `press n for level ${level + 1}` : 'that was the last level: your sniffer is complete';
    return [{ text: `★ Level ${level} passed! ${next}`, tone: 'ok', bold: true }];
  }
  if (notice) return [{ text: notice, tone: 'info' }];
  if (!attached) return [];
  if (!attaches) return [{ text: 'level 0 passes when your file compiles and the verifier accepts it', tone: 'muted' }];
  const failing = live.checks.find((c) => c.status === 'fail');
  if (!failing) return [{ text: 'send a request (r) to see your sniffer at work; the level passes when it captures what Expected does', tone: 'muted' }];
  return [{ text: 'not yet: ', tone: 'warn' }, { text: failing.message }, ...(failing.hint ? [{ text: ` — ${failing.hint}`, tone: 'muted' as const }] : [])];
}

export function questionSegments(question: string): Segment[] {
  return [{ text: '? ', tone: 'warn', bold: true }, { text: question }, { text: '  y', bold: true }, { text: ' yes, any other key: no', tone: 'muted' }];
}
