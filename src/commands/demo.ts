// `ebpf-workshop demo`: for an instructor at a projector. solution.c attached at a level,
// traffic sent automatically, what it captures printed large; ←/→ change the level.
import { createElement } from 'react';
import type { Command } from 'commander';
import { DemoApp } from '../app/components/DemoApp.js';
import { DemoSession } from '../app/demo.js';
import { runInkApp } from '../app/inkRunner.js';
import { exitCodeFor, formatProblem } from '../run/problem.js';
import type { AttachRequest } from '../kernel/features.js';
import { attachOption, fail, intOption } from './cliSupport.js';

interface DemoOptions {
  level: number;
  attach: AttachRequest;
  interval: number;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('for instructors: the complete sniffer at a level, traffic sent automatically, output large')
    .option('-l, --level <n>', 'the level to show first', intOption(0, 4), 1)
    .option('--interval <ms>', 'time between automatic requests', intOption(200, 60000), 2000)
    .option('--attach <mode>', 'auto, kprobe or tracepoint', attachOption, 'auto')
    .action(async (options: DemoOptions) => {
      await demo(options).catch((e) => fail(e));
      process.exit(process.exitCode ?? 0);
    });
}

async function demo(options: DemoOptions): Promise<void> {
  const session = new DemoSession({ level: options.level, attach: options.attach, intervalMs: options.interval });
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
  if (problem) {
    process.stderr.write(`${formatProblem(problem)}\n`);
    process.exitCode = exitCodeFor(problem);
  }
}
