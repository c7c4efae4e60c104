#!/usr/bin/env node
// ebpf-workshop / workshop: one command per thing a learner or an instructor does.
// Each command lives in src/commands/<name>.ts and registers its own options.
import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.js';
import { fail, sayProgress } from './commands/cliSupport.js';
import { ensureNativeBuild } from './native/build.js';
import { warmUpCompiler } from './engine/compilerProcess.js';
import { elevateOrContinue } from './util/elevate.js';

const COMPILING_COMMANDS = new Set(['start', 'run', 'check', 'demo', 'doctor']);
/** These load programs into the kernel (doctor only when it fixes things): root, or sudo. */
const needsRoot = (name: string, options: Record<string, unknown>) => ['start', 'run', 'check', 'demo'].includes(name) || (name === 'doctor' && options.fix === true);

// A reader that goes away (`| head`) is not an error: stop quietly. process.exit runs the
// shutdown registry's releases, so nothing stays attached.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});
// The last line of defence: a Problem on stderr and everything released, never a raw trace.
const last = (e: unknown) => {
  fail(e, { verbose: process.argv.includes('--verbose') || process.argv.includes('-v'), json: process.argv.includes('--json') });
  process.exit(process.exitCode ?? 1);
};
process.on('uncaughtException', last);
process.on('unhandledRejection', last);

const program = new Command()
  .name('ebpf-workshop')
  .description('Learn eBPF by doing: write a BCC program that captures HTTP traffic, checked live in your kernel.')
  .showHelpAfterError()
  // Commander's own exits become errors here, so a bad command line exits 2 like every
  // other usage problem (set before the commands are added: they inherit it).
  .exitOverride();

for (const register of commands) register(program);

// Every command stands on the native parts: build them first if this install lacks them.
program.hook('preAction', async (_program, command) => {
  await ensureNativeBuild(sayProgress);
  // After the build, so a build it needed is made as the user, in their tree.
  if (needsRoot(command.name(), command.opts())) elevateOrContinue();
  // These compile a program soon: start the compiler process now, while the rest loads.
  if (COMPILING_COMMANDS.has(command.name())) warmUpCompiler();
});

await program.parseAsync(process.argv).catch((e: unknown) => {
  if (!(e instanceof CommanderError)) return last(e);
  // Help and version are not failures; commander has already printed its message.
  if (e.exitCode === 0) process.exit(0);
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ type: 'error', code: 'USAGE', kind: 'usage', message: e.message.replace(/^error: /, ''), hint: null, location: null })}\n`);
  }
  process.exit(2);
});
