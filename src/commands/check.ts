// `ebpf-workshop check` (alias `workshop check`): the workshop's verdict on a file at a
// level, without the app — for learners in a hurry, scripts and graders.
// Exit 0: every check passed; 1: a check failed; 2: the environment or the command line.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { attachDescription } from '../tracks/tracks.js';
import { verifyLevel } from '../check/verify.js';
import { formatReport, useColor } from '../report/formatReport.js';
import { markCompleted } from '../tracks/progress.js';
import { attachOption, fail, learnerFile, levelOption, progressOnTerminal, trackAndLevel, trackOption } from './cliSupport.js';
import type { AttachRequest } from '../kernel/features.js';
import { addJoinOptions, reporterFor, type JoinOptions } from '../board/joinOptions.js';

interface CheckOptions extends JoinOptions {
  track?: string;
  level?: number;
  json?: boolean;
  verbose?: boolean;
  attach: AttachRequest;
}

export function register(program: Command): void {
  const command = program
    .command('check')
    .description('check your program at a level: static checks, then a live capture')
    .argument('[file]', 'your BCC program (default ./clean.c)')
    .addOption(trackOption())
    .addOption(levelOption('the level to check (default: the one you are on)'))
    .option('--json', 'print the report as one JSON object')
    .option('-v, --verbose', 'show the compiler\'s output and the verifier\'s log behind failures')
    .addOption(attachOption());
  addJoinOptions(command, 'report', 'the result').action(async (file: string | undefined, options: CheckOptions) => {
    await check(file, options).catch((e) => fail(e, options));
  });
}

async function check(fileArg: string | undefined, options: CheckOptions): Promise<void> {
  const { track, level } = trackAndLevel(options, undefined, fileArg);
  const file = learnerFile(fileArg, track, { quiet: options.json });
  const board = reporterFor(options, track.id, (message) => process.stderr.write(`board: ${message}\n`));
  const report = await verifyLevel({ file, track, level, attach: options.attach, onProgress: progressOnTerminal(options.json) });
  if (report.passed) markCompleted(level, file, { track: track.id });
  if (options.json) {
    const { checks, ...rest } = report;
    const shown = options.verbose ? checks : checks.map(({ raw: _raw, ...c }) => c);
    process.stdout.write(`${JSON.stringify({ ...rest, checks: shown })}\n`);
  } else {
    process.stdout.write(`${formatReport(report, { color: useColor(process.stdout), verbose: options.verbose, attach: attachDescription(track.levels, level, report.attachMode) })}\n`);
  }
  process.exitCode = report.passed ? 0 : 1;
  if (board) {
    // Sent after the verdict is printed; a board that is down or slow costs at most 2 s and
    // never the exit code.
    board.report(report, options.shareCode ? await readFile(file, 'utf8').catch(() => undefined) : undefined);
    await board.flush(2000);
  }
}
