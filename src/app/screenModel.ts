// What the main screen shows, worked out from a snapshot and the terminal's size, without
// Ink: the layout (who gets which rows), the instructions' lines, the capture's lines (the
// learner's beside the expected, or the expected alone while the learner's file fails,
// with the diagnostics beside or above it), the verdict under them and the traffic bar.
import type { Level } from '../tracks/levelSpec.js';
import { diffCaptures, type ConnectionRow } from './captureDiff.js';
import { eventLines, timelineLines, type CaptureLine, type Segment } from './captureLines.js';
import { diagnosticLines, type DiagnosticLayout } from './diagnosticLines.js';
import { workshopLayout, type Focus, type WorkshopLayout } from './layout.js';
import { wrapPieces } from './markdown.js';
import { trafficBarLines } from './trafficBar.js';
import { questionSegments, verdictSegments } from './verdict.js';
import type { WorkshopSnapshot } from './workshopSession.js';

/** Narrower than this, the diagnostics stand above the expected capture rather than beside it. */
export const BESIDE_FROM = 100;
/** Rows the expected capture keeps below the diagnostics: its heading, a rule and two lines. */
const EXPECTED_ROWS = 4;

export type MainContent =
  /** Level 0: nothing is attached; a sentence says so. */
  | { kind: 'note'; lines: Segment[][] }
  /** Both columns. */
  | { kind: 'capture' }
  /** The learner's file fails: its diagnostics, and the expected capture still live. */
  | { kind: 'problems'; diagnostics: DiagnosticLayout; beside: boolean; expectedRows: number };

export interface ScreenModel {
  layout: WorkshopLayout;
  level: Level;
  attaches: boolean;
  /** Rows and lines of the capture (the expected side alone while the file fails). */
  rows: ConnectionRow[];
  lines: CaptureLine[];
  columnWidth: number;
  main: MainContent;
  footer: Segment[][];
  traffic: Segment[][];
}

const LEVEL_0_NOTE =
  'Level 0 attaches nothing: your hooks are compiled and loaded, and the kernel\'s verifier examines them. Once they pass, ' +
  'level 1 attaches accept4 and the capture columns come to life.';

export function captureRows(snap: WorkshopSnapshot, broken: boolean, now: number): ConnectionRow[] {
  return diffCaptures(broken ? [] : snap.learnerLog.connections, snap.expectedLog.connections, { now });
}

export function screenModel(snap: WorkshopSnapshot, size: { columns: number; rows: number }, focus: Focus, question: string | null, now = Date.now()): ScreenModel {
  const level = snap.levels[snap.level]!;
  const attaches = level.spec.expectedEvents.attach;
  const broken = snap.watch.status === 'broken';
  const width = Math.max(40, size.columns);
  const columnWidth = Math.max(10, Math.floor((width - 3) / 2));
  const footerSegments = question
    ? questionSegments(question)
    : verdictSegments({
        level: snap.level,
        lastLevel: snap.levels.length - 1,
        attached: snap.watch.status === 'attached',
        attaches,
        live: snap.live,
        passedLevel: snap.passedLevel,
        notice: snap.notice,
      });
  const footer = footerSegments.length ? wrapPieces(footerSegments, width, { text: '  ' }) : [[]];
  const traffic = trafficBarLines({ server: snap.server, lost: snap.lost, ...snap.traffic }, width);

  const rows = attaches ? captureRows(snap, broken, now) : [];
  const beside = width >= BESIDE_FROM;
  const sideWidth = broken && !beside ? width : columnWidth;
  const lines = level.spec.expectedEvents.exchange ? timelineLines(rows, sideWidth) : eventLines(rows, sideWidth);
  const captureWanted = 2 + Math.max(1, lines.length);

  let wanted: number;
  let essential = 0;
  let diagnostics: DiagnosticLayout | null = null;
  let note: Segment[][] = [];
  if (broken) {
    diagnostics = diagnosticLines({ checks: snap.watch.checks, problem: snap.watch.problem, source: snap.source }, attaches && beside ? columnWidth : width);
    // Above the diagnostics' room, the expected capture keeps its heading and two lines.
    essential = diagnostics.essential + (attaches && !beside ? EXPECTED_ROWS : 0);
    wanted = !attaches ? diagnostics.wanted : beside ? Math.max(diagnostics.wanted, captureWanted) : diagnostics.wanted + captureWanted;
  } else if (!attaches) {
    note = wrapPieces([{ text: LEVEL_0_NOTE, tone: 'muted' }], width);
    wanted = note.length;
  } else wanted = captureWanted;

  const layout = workshopLayout(size.columns, size.rows, { mainWanted: wanted, mainEssential: essential, footer: footer.length, traffic: traffic.length, focus });

  let main: MainContent;
  if (broken && diagnostics) {
    // The expected capture keeps at least its heading and a line when they stand one above the other.
    const expectedRows = !attaches ? 0 : beside ? layout.main : Math.max(EXPECTED_ROWS, Math.min(captureWanted, layout.main - diagnostics.essential));
    const diagnosticHeight = !attaches || beside ? layout.main : layout.main - expectedRows;
    diagnostics = diagnosticLines({ checks: snap.watch.checks, problem: snap.watch.problem, source: snap.source }, attaches && beside ? columnWidth : width, diagnosticHeight);
    main = { kind: 'problems', diagnostics, beside: attaches && beside, expectedRows };
  } else if (!attaches) main = { kind: 'note', lines: note };
  else main = { kind: 'capture' };

  return { layout, level, attaches, rows, lines, columnWidth: sideWidth, main, footer, traffic };
}
