// `ebpf-workshop demo`: for an instructor at a projector. solution.c attached at a level,
// traffic sent automatically, what it captures printed large; ←/→ change the level.
import type { Command } from 'commander';
import { DemoSession } from '../app/demo.js';
import type { AttachRequest } from '../kernel/features.js';
import { attachOption, fail, intOption, levelOption, reportProblem, sayProgress, trackAndLevel, trackOption } from './cliSupport.js';
import { loadTrack } from '../tracks/tracks.js';

interface DemoOptions {
  track?: string;
  level?: number;
  attach: AttachRequest;
  interval: number;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('for instructors: the complete sniffer at a level, traffic sent automatically, output large')
    .addOption(trackOption())
    .addOption(levelOption('the level to show first (default: the first that captures something)'))
    .option('--interval <ms>', 'time between automatic requests', intOption(200, 60000), 2000)
    .addOption(attachOption())
    .action(async (options: DemoOptions) => {
      await demo(options).catch((e) => fail(e));
      process.exit(process.exitCode ?? 0);
    });
}

async function demo(options: DemoOptions): Promise<void> {
  const firstCapturing = loadTrack(options.track).levels.find((l) => l.spec.expectedEvents.attach)?.id ?? 0;
  const { track, level } = trackAndLevel(options, firstCapturing);
  const session = new DemoSession({ track, level, attach: options.attach, intervalMs: options.interval });
  if (!process.stdout.isTTY) return plainDemo(session);
  // React and Ink load only here: other commands start faster without them.
  const { importForTerminal } = await import('../app/interactiveImport.js');
  const [{ createElement }, { DemoApp }, { runInkApp }] = await importForTerminal(() =>
    Promise.all([import('react'), import('../app/components/DemoApp.js'), import('../app/inkRunner.js')]),
  );
  const run = runInkApp({
    app: (quit) => createElement(DemoApp, { demo: session, onQuit: () => quit() }),
    cleanup: () => session.close(),
    // A log that scrolls like any output: what was captured stays readable above.
    alternateScreen: false,
  });
  void session.start().then(() => {
    const fatal = session.store.getSnapshot().fatal;
    if (fatal) run.quit(fatal);
  });
  const problem = await run.done;
  if (problem) reportProblem(problem);
}

/** Not a terminal: the log as plain lines, until a signal ends it. */
async function plainDemo(session: DemoSession): Promise<void> {
  // It renders through Ink's components: loaded the same way (React's production build).
  const { importForTerminal } = await import('../app/interactiveImport.js');
  const { demoItemLines } = await importForTerminal(() => import('../app/demoText.js'));
  let printed = 0;
  let epoch = 0;
  let step = '';
  session.store.subscribe(() => {
    const snap = session.store.getSnapshot();
    if (snap.phase === 'starting' && snap.step !== step) sayProgress((step = snap.step));
    if (snap.epoch !== epoch) [epoch, printed] = [snap.epoch, 0];
    for (const item of snap.items.slice(printed)) process.stdout.write(`${demoItemLines(item).join('\n')}\n`);
    printed = snap.items.length;
  });
  await session.start();
  const fatal = session.store.getSnapshot().fatal;
  if (fatal) {
    await session.close();
    reportProblem(fatal);
    return;
  }
  await new Promise(() => {}); // until Ctrl-C: the shutdown hooks close the session and exit
}
