// How the full screen is shared out. The frame is one row shorter than the terminal: Ink
// clears the whole screen before every frame that fills it, which flickers.

export interface WorkshopLayout {
  width: number;
  height: number;
  /** Rows of the top band: the levels and the instructions, borders included. */
  top: number;
  /** Rows of the main band: the capture columns or the diagnostics. */
  main: number;
  levelsWidth: number;
  instructionsWidth: number;
}

/** Rows always taken: header, watch status, verdict, traffic, keys. */
const FIXED_ROWS = 5;

export function workshopLayout(columns: number, rows: number): WorkshopLayout {
  const width = Math.max(40, columns);
  const height = Math.max(16, rows - 1);
  const body = height - FIXED_ROWS;
  const top = Math.max(7, Math.min(body - 6, Math.round(body * 0.45)));
  const levelsWidth = width >= 110 ? 34 : width >= 90 ? 30 : 24;
  return { width, height, top, main: body - top, levelsWidth, instructionsWidth: width - levelsWidth };
}
