// The options by which `check` (--report) and `start` (--board) join a classroom board, and
// the reporter they make. The environment can carry them instead of the command line, so a
// classroom can set them once per machine or shell.
import { Option, type Command } from 'commander';
import { BoardReporter, learnerName } from './reporter.js';

export const BOARD_URL_VARIABLE = 'EBPF_WORKSHOP_BOARD';
export const BOARD_NAME_VARIABLE = 'EBPF_WORKSHOP_NAME';

export interface JoinOptions {
  /** The join URL (check's --report, start's --board). */
  report?: string;
  board?: string;
  name?: string;
  shareCode?: boolean;
}

/** Adds `--<flag> <joinUrl>`, `--name` and `--share-code` to a command. */
export function addJoinOptions(command: Command, flag: 'report' | 'board', what: string): Command {
  return command
    .addOption(new Option(`--${flag} <joinUrl>`, `send ${what} to the classroom board at this join URL`).env(BOARD_URL_VARIABLE))
    .addOption(new Option('--name <name>', 'your name on the classroom board (default: your login name)').env(BOARD_NAME_VARIABLE))
    .option('--share-code', 'also send your program to the board (by default only verdicts, codes, messages and line numbers leave this machine)');
}

/** The reporter the options ask for, or null when no board was given. */
export function reporterFor(options: JoinOptions, track: string, notice: (message: string) => void): BoardReporter | null {
  const joinUrl = options.report ?? options.board;
  if (!joinUrl) return null;
  return new BoardReporter({ joinUrl, name: learnerName(options.name), track, shareCode: options.shareCode, notice });
}
