// `ebpf-workshop start`: the learner's workshop. Full screen on a terminal; line by line
// without one (or with --plain).
import type { Command } from 'commander';
import type { AttachRequest } from '../kernel/features.js';
import { attachOption, fail, learnerFile, levelOption, reportProblem, trackAndLevel, trackOption } from './cliSupport.js';
import { addJoinOptions, reporterFor, type JoinOptions } from '../board/joinOptions.js';
import { reportSession } from '../board/sessionReports.js';

interface StartOptions extends JoinOptions {
  track?: string;
  level?: number;
  poll?: boolean;
  plain?: boolean;
  attach: AttachRequest;
}

export function register(program: Command): void {
  const command = program
    .command('start')
    .description('the workshop: levels, your file checked on every save, and its capture beside the expected one')
    .argument('[file]', 'your BCC program (default ./clean.c, created if missing)')
    .addOption(trackOption())
    .addOption(levelOption('start at this level (default: the first one not done)'))
    .option('--poll', 'poll your file for changes instead of waiting for file events')
    .option('--plain', 'line-by-line output instead of the full screen')
    .addOption(attachOption());
  addJoinOptions(command, 'board', 'each check\'s result').action(async (file: string | undefined, options: StartOptions) => {
    await start(file, options).catch((e) => fail(e));
    process.exit(process.exitCode ?? 0);
  });
}

async function start(fileArg: string | undefined, options: StartOptions): Promise<void> {
  const { track, level } = trackAndLevel(options, undefined, fileArg);
  // The app (React, Ink) is loaded only by the commands that show it: check and run start
  // faster without it, which matters most on slow machines and emulated guests.
  const { importForTerminal } = await import('../app/interactiveImport.js');
  const [{ createElement }, { WorkshopApp }, { runInkApp }, { runPlain }, { WorkshopSession }] = await importForTerminal(() =>
    Promise.all([
      import('react'),
      import('../app/components/WorkshopApp.js'),
      import('../app/inkRunner.js'),
      import('../app/plainWorkshop.js'),
      import('../app/workshopSession.js'),
    ]),
  );
  const file = learnerFile(fileArg, track);
  const plain = options.plain || !process.stdout.isTTY || !process.stdin.isTTY;
  const workshop = new WorkshopSession({ file, track, level, attach: options.attach, poll: options.poll, autoTraffic: plain && !process.stdin.isTTY });
  // The classroom board hears of each verdict. What it has to say waits for the full screen
  // to close; line by line, it is said at once.
  const boardNotices: string[] = [];
  const board = reporterFor(options, track.id, (message) => (plain ? process.stderr.write(`board: ${message}\n`) : boardNotices.push(message)));
  const stopReporting = board ? reportSession(workshop.store, board) : () => {};
  const leaveBoard = async () => {
    stopReporting();
    await board?.flush(1000);
    for (const message of boardNotices) process.stderr.write(`board: ${message}\n`);
  };

  if (plain) {
    const plainRun = runPlain(workshop, { commands: process.stdin.isTTY });
    await workshop.start();
    const fatal = workshop.store.getSnapshot().fatal;
    if (!fatal) await plainRun.quitRequested; // without commands: until Ctrl-C
    plainRun.stop();
    await workshop.close();
    await leaveBoard();
    if (fatal) reportProblem(fatal);
    return;
  }

  const screen = runInkApp({
    app: (quit) => createElement(WorkshopApp, { workshop, onQuit: () => quit() }),
    cleanup: () => workshop.close(),
  });
  // A startup failure (no privileges, no headers…) is printed on the normal screen.
  void workshop.start().then(() => {
    const fatal = workshop.store.getSnapshot().fatal;
    if (fatal) screen.quit(fatal);
  });
  const problem = await screen.done;
  await leaveBoard();
  if (problem) reportProblem(problem);
}
