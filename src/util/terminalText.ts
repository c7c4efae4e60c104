// Text that reaches a terminal on the learner's behalf — their source, captured payloads — may
// hold bytes a terminal obeys: ESC starts sequences that retitle the window, move the cursor or
// hide text; C1 controls (0x80–0x9f, which a payload decoded as latin1 becomes) are 8-bit
// versions of the same. Everything here shows such characters as visible codes instead.

// C0 controls, DEL, C1 controls, and the Unicode controls that reorder or break lines
// (bidirectional overrides and isolates, the line and paragraph separators).
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export interface TerminalSafeOptions {
  /** Keep line feeds as line breaks (for text shown over several lines). */
  keepNewlines?: boolean;
  /** Keep tabs (for source code, where they indent). */
  keepTabs?: boolean;
}

/** The code a character is shown as: `\x1b`, `\x9b`, `\u202e`. */
export function visibleCode(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** text with every character a terminal would act on replaced by its visible code. */
export function terminalSafe(text: string, options: TerminalSafeOptions = {}): string {
  return text.replace(UNSAFE, (char) => {
    if (char === '\n' && options.keepNewlines) return char;
    if (char === '\t' && options.keepTabs) return char;
    return visibleCode(char);
  });
}

/**
 * Whether colour is wanted at all: not when NO_COLOR is set to anything but the empty string
 * (https://no-color.org), nor on a terminal that says it is dumb. The app and the commands'
 * reports both ask this.
 */
export function colorWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.NO_COLOR && env.TERM !== 'dumb';
}
