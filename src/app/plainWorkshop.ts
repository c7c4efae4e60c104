// The workshop without the full screen (no TTY, or --plain): the same WorkshopSession, reported
// line by line. Each connection is printed once it has settled, your sniffer's lines beside
// the expected ones (`both` where they agree). On a terminal, commands are typed as lines
// (the key table's plain commands: r, a, +, -, n, h, a level's number, q); without one,
// traffic is automatic.
import readline from 'node:readline';
import { attachDescription } from '../tracks/tracks.js';
import { diffCaptures, type ConnectionRow } from './captureDiff.js';
import { eventLines, timelineLines, type Segment } from './captureLines.js';
import { codeExcerpt } from './codeExcerpt.js';
import { hintLines } from './hintText.js';
import { keyTable, matchPlain, plainCommands } from './keys.js';
import { GRACE_MS, type WorkshopSession, type WorkshopSnapshot } from './workshopSession.js';

const WIDTH = 100;

export interface PlainOptions {
  out?: (line: string) => void;
  /** Read commands from stdin (it is a terminal). */
  commands?: boolean;
}

const text = (segments: Segment[]) => segments.map((s) => s.text).join('');

/** Prints what changes in the workshop's snapshots; resolves when the learner types q. */
export function runPlain(workshop: WorkshopSession, options: PlainOptions = {}): { quitRequested: Promise<void>; stop: () => void } {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  let previous: WorkshopSnapshot | null = null;
  const printed = new Set<string>();
  let lastVerdict = '';

  const report = () => {
    const snap = workshop.store.getSnapshot();
    const before = previous;
    previous = snap;
    if (snap.step !== before?.step && snap.phase === 'starting') out(`… ${snap.step}`);
    if (snap.phase === 'ready' && before?.phase !== 'ready') {
      for (const warning of snap.warnings) out(`note: ${warning}`);
      out(`${snap.file}: level ${snap.level} (${snap.levels[snap.level]!.title}), ${attachDescription(snap.levels, snap.level, snap.attachMode!)}, demo server ${snap.server?.url}`);
    }
    if (snap.watchNote !== before?.watchNote && snap.watchMode === 'polling') out(`note: ${snap.watchNote}`);
    if (snap.level !== before?.level && before?.phase === 'ready') out(`level ${snap.level}: ${snap.levels[snap.level]!.title}`);
    if (snap.watch !== before?.watch) reportWatch(snap, before, out);
    if (snap.expected.status === 'failed' && before?.expected.status !== 'failed') out(`warning: solution.c could not be attached: ${snap.expected.problem}`);
    if (snap.captureVersion !== before?.captureVersion || snap.watch.status === 'attached') reportConnections(snap, printed, out);
    const verdict = verdictLine(snap);
    if (verdict && verdict !== lastVerdict) out(verdict);
    lastVerdict = verdict || lastVerdict;
    if (snap.notice && snap.notice !== before?.notice) out(snap.notice);
  };
  const unsubscribe = workshop.store.subscribe(report);
  // Connections settle with time, not only with events.
  const timer = setInterval(report, 500).unref();

  let rl: readline.Interface | null = null;
  const quitRequested = new Promise<void>((resolve) => {
    if (!options.commands) return;
    rl = readline.createInterface({ input: process.stdin });
    const table = keyTable(workshop.store.getSnapshot().levels.length);
    out(plainCommands(table));
    rl.on('line', (line) => {
      const command = line.trim();
      const binding = matchPlain(table, command);
      if (binding?.id === 'quit') return resolve();
      if (!binding) {
        if (command) out(`unknown command "${command}"`);
        return;
      }
      const snap = workshop.store.getSnapshot();
      const result = binding.run?.({ session: workshop, level: snap.level, input: command });
      if (binding.id === 'hint') {
        const shown = Number(result); // how many hints are revealed now
        const level = snap.levels[snap.level]!;
        const lines = hintLines(level.hints, shown, WIDTH);
        const from = hintLines(level.hints, shown - 1, WIDTH).length - 2;
        for (const l of lines.slice(shown > 1 ? from : 0)) out(l.text);
      }
    });
  });
  return {
    quitRequested,
    stop: () => {
      unsubscribe();
      clearInterval(timer);
      rl?.close();
    },
  };
}

function reportWatch(snap: WorkshopSnapshot, before: WorkshopSnapshot | null, out: (line: string) => void): void {
  const watch = snap.watch;
  if (watch.status === before?.watch.status && watch.generation === before?.watch.generation) return;
  if (watch.status === 'compiling') out(`… checking ${snap.file} at level ${snap.level} (${watch.reason})`);
  if (watch.status === 'attached') {
    const attaches = snap.levels[snap.level]!.spec.expectedEvents.attach;
    out(`✓ ${snap.file}: ${attaches ? 'compiled, verified and attached' : 'compiled and accepted by the verifier'}`);
  }
  if (watch.status === 'broken') {
    const failed = watch.checks.filter((c) => c.status === 'fail');
    if (failed.length === 0 && watch.problem) {
      out(`✗ ${watch.problem.message}`);
      if (watch.problem.hint) out(`  hint: ${watch.problem.hint}`);
    }
    failed.forEach((check, i) => {
      const where = check.location ? `${check.location.file}:${check.location.line}: ` : '';
      out(`✗ ${where}${check.message}`);
      if (i === 0 && check.location) {
        for (const line of codeExcerpt(snap.source, check.location.line)) out(`${line.target ? '▶' : ' '} ${String(line.number).padStart(4)} │ ${line.text}`);
      }
      if (check.hint) out(`  hint: ${check.hint}`);
    });
  }
}

function reportConnections(snap: WorkshopSnapshot, printed: Set<string>, out: (line: string) => void): void {
  const now = Date.now();
  const rows = diffCaptures(snap.learnerLog.connections, snap.expectedLog.connections, { now, graceMs: GRACE_MS });
  const timeline = snap.levels[snap.level]!.spec.expectedEvents.exchange;
  for (const row of rows) {
    if (!settled(row, now) || printed.has(identity(row))) continue;
    printed.add(identity(row));
    const lines = timeline ? timelineLines([row], WIDTH) : eventLines([row], WIDTH);
    for (const line of lines) {
      const mine = text(line.left).trim();
      const theirs = text(line.right).trim();
      if (mine === theirs) out(`  both      ${mine}`);
      else {
        out(`  yours     ${mine || '-'}`);
        out(`  expected  ${theirs || '-'}`);
      }
    }
  }
  if (printed.size > 2000) printed.clear();
}

/** A connection is printed once neither side has had an event for a while. */
function settled(row: ConnectionRow, now: number): boolean {
  const last = Math.max(row.learner?.updatedAt ?? 0, row.expected?.updatedAt ?? 0);
  return now - last > GRACE_MS;
}

function identity(row: ConnectionRow): string {
  const c = row.expected ?? row.learner!;
  return `${c.pid}:${c.fd}:${c.arrivedAt}:${row.key}`;
}

function verdictLine(snap: WorkshopSnapshot): string {
  if (snap.passedLevel === snap.level) {
    return snap.level < snap.levels.length - 1
      ? `★ Level ${snap.level} passed! Type n for level ${snap.level + 1}.`
      : `★ Level ${snap.level} passed! That was the last level: your sniffer is complete.`;
  }
  const failing = snap.live.checks.find((c) => c.status === 'fail');
  return failing ? `not yet: ${failing.message}` : '';
}
