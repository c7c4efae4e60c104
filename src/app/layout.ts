// How the full screen is shared out. The frame is one row shorter than the terminal: Ink
// clears the whole screen before every frame that fills it, which flickers.
//
// The instructions get every row the main band (the capture, or the diagnostics beside the
// expected capture) does not use, the main band at most a third of them — unless the
// capture has the focus (Tab), then it takes all but a few lines of instructions.

export type Focus = 'instructions' | 'capture';

export interface LayoutNeeds {
  /** Rows the main band would use if it had them. */
  mainWanted: number;
  /** Rows it must have even so (a diagnosis and its hint, whole). */
  mainEssential?: number;
  /** Rows of the verdict line(s) under the main band (they wrap). */
  footer?: number;
  /** Rows of the traffic bar (it wraps at narrow widths rather than cut a message). */
  traffic?: number;
  focus?: Focus;
}

export interface WorkshopLayout {
  width: number;
  height: number;
  /** Rows of the top band: the levels and the instructions, borders included. */
  top: number;
  /** Rows of the main band: the capture columns or the diagnostics. */
  main: number;
  footer: number;
  traffic: number;
  levelsWidth: number;
  instructionsWidth: number;
  /** The level list shows numbers only (titles are in the instructions' heading). */
  compactLevels: boolean;
}

/** Rows always taken besides the footer and the traffic bar: header, watch status, keys. */
const FIXED_ROWS = 3;
/** The top band never shrinks below this: borders, title and four lines of text. */
const MIN_TOP = 7;
const MIN_MAIN = 3;

export function workshopLayout(columns: number, rows: number, needs: LayoutNeeds = { mainWanted: Infinity }): WorkshopLayout {
  const width = Math.max(40, columns);
  const height = Math.max(16, rows - 1);
  const footer = Math.max(1, Math.min(needs.footer ?? 1, 4));
  const traffic = Math.max(1, Math.min(needs.traffic ?? 1, 3));
  const body = height - FIXED_ROWS - footer - traffic;
  const most = body - MIN_TOP;
  let main: number;
  if (needs.focus === 'capture') main = most;
  else {
    const share = Math.max(5, Math.round(body / 3));
    main = Math.max(MIN_MAIN, Math.min(needs.mainWanted, Math.max(share, needs.mainEssential ?? 0)));
  }
  main = Math.max(MIN_MAIN, Math.min(main, most));
  const compactLevels = width < 100;
  const levelsWidth = compactLevels ? 9 : width >= 110 ? 34 : 30;
  return { width, height, top: body - main, main, footer, traffic, levelsWidth, instructionsWidth: width - levelsWidth, compactLevels };
}

/** The scroll position kept within the text. */
export function clampTop(top: number, lineCount: number, height: number): number {
  return Math.max(0, Math.min(top, Math.max(0, lineCount - height)));
}
