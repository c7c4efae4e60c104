// The command list. Add a command by writing src/commands/<name>.ts that exports
// `register(program)`, then listing it here.
import type { Command } from 'commander';
import { register as board } from './board.js';
import { register as check } from './check.js';
import { register as demo } from './demo.js';
import { register as doctor } from './doctor.js';
import { register as run } from './run.js';
import { register as server } from './server.js';
import { register as start } from './start.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [start, check, run, demo, doctor, server, board];
