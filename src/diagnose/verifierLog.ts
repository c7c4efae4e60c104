// The kernel verifier's log, parsed: the instructions it walked with the line-info markers
// above them and what it knew of the registers, the state-only lines, and the reason(s) it
// gave after the instruction it refused. See verifier.ts for what a log looks like.

export interface Marker {
  file: string;
  line: number;
}

export interface Instruction {
  index: number;
  text: string;
  /** What the verifier printed about registers after `; `, or ''. */
  state: string;
  /** The last line-info marker above it (any file, line 0 excluded). */
  marker?: Marker;
  row: number;
}

export interface ParsedLog {
  instructions: Instruction[];
  /** State-only lines (`0: R1=ctx() R10=fp0`, `from 11 to 13: …`) with their rows. */
  states: { row: number; state: string }[];
  /** The reason(s) the verifier gave, in order. */
  messages: string[];
  lines: string[];
  /** Row of the refused instruction, if the log shows one. */
  failingRow?: number;
}

const INSTRUCTION = /^(\d+): \(([0-9a-f]{2})\) (.*)$/;
const STATE_LINE = /^(?:\d+|from \d+ to \d+): ((?:R\d+|frame\d*:?|fp-?\d+)[\s\S]*)$/;
const MARKER = /^;.*@ (.+):(\d+)\s*$/;
const STATISTICS = /^(processed \d+ insns|verification time|stack depth|mark_read|max_states_per_insn)/;

export function parseVerifierLog(log: string): ParsedLog {
  const lines = log.split('\n').map((l) => l.replace(/\s+$/, ''));
  const instructions: Instruction[] = [];
  const states: { row: number; state: string }[] = [];
  let marker: Marker | undefined;
  lines.forEach((line, row) => {
    const m = MARKER.exec(line);
    if (m) {
      if (Number(m[2]) > 0) marker = { file: m[1]!, line: Number(m[2]) };
      return;
    }
    const insn = INSTRUCTION.exec(line);
    if (insn) {
      const [text, state = ''] = insn[3]!.split(/\s+; (.*)/);
      instructions.push({ index: Number(insn[1]), text: text!.trim(), state: state.trim(), marker, row });
      return;
    }
    const stateLine = STATE_LINE.exec(line);
    if (stateLine) states.push({ row, state: stateLine[1]! });
  });
  const last = instructions.at(-1);
  const after = last ? last.row + 1 : 0;
  const messages = lines
    .slice(after)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !STATISTICS.test(l) && !MARKER.test(l) && !STATE_LINE.test(l));
  return { instructions, states, messages, lines, failingRow: messages.length && last ? last.row : undefined };
}

/** The refused instruction with a few lines of context before it, and the reason. */
export function tailOf(parsed: ParsedLog, context = 4): string {
  const meaningful = parsed.lines.filter((l) => l.trim() !== '' && !STATISTICS.test(l.trim()));
  if (parsed.failingRow === undefined) return meaningful.slice(-context - 2).join('\n');
  const upTo = parsed.lines.slice(0, parsed.failingRow + 1).filter((l) => l.trim() !== '' && !STATISTICS.test(l.trim()));
  return [...upTo.slice(-context - 1), ...parsed.messages].join('\n');
}
