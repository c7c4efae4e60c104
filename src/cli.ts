#!/usr/bin/env node
// ebpf-workshop / workshop: one command per thing a learner or an instructor does.
// Each command lives in src/commands/<name>.ts and registers its own options.
import { Command } from 'commander';
import { commands } from './commands/index.js';

const program = new Command()
  .name('ebpf-workshop')
  .description('Learn eBPF by doing: write a BCC program that captures HTTP traffic, checked live in your kernel.')
  .showHelpAfterError();

for (const register of commands) register(program);

await program.parseAsync(process.argv);
