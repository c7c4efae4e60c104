// `ebpf-workshop board`: the instructor's classroom board. A web page with a row per learner
// (level, last check, what fails, how long they have been stuck), fed by the reports their
// `start --board` / `check --report` post to the join URL printed here (and shown as a QR
// code). Loopback only unless --host is given. Needs no root: under sudo it drops to the user
// behind sudo once listening. Runs until Ctrl-C.
import os from 'node:os';
import type { Command } from 'commander';
import QRCode from 'qrcode';
import { usageError } from '../errors/workshopError.js';
import { startBoard } from '../board/server.js';
import type { LearnerRow } from '../board/roster.js';
import { unprivilegedUser } from '../util/invokingUser.js';
import { hostInUrl } from '../targets/listeningProcess.js';
import { fail, intOption, stopSignal } from './cliSupport.js';

interface BoardOptions {
  port: number;
  host?: string;
  code?: string;
  json?: boolean;
}

const WILDCARD = new Set(['0.0.0.0', '::', '']);

/** The address learners use: the one bound, or for a wildcard the first non-loopback IPv4. */
export function reachableAddress(bound: string, interfaces = os.networkInterfaces()): string {
  if (!WILDCARD.has(bound)) return bound;
  for (const list of Object.values(interfaces)) {
    const outside = list?.find((i) => i.family === 'IPv4' && !i.internal);
    if (outside) return outside.address;
  }
  return '127.0.0.1';
}

/** Gives up root once the port is bound: to the user behind sudo (not root), else to nobody. */
function dropRoot(): string | null {
  if (process.getuid?.() !== 0 || !process.setuid || !process.setgid) return null;
  const user = unprivilegedUser();
  process.setgroups?.([user.gid]);
  process.setgid(user.gid);
  process.setuid(user.uid);
  return user.name ?? `uid ${user.uid}`;
}

function reportLine(row: LearnerRow): string {
  return JSON.stringify({ type: 'report', name: row.name, track: row.track, level: row.level, passed: row.passed, code: row.failure?.code ?? null });
}

async function runBoard(options: BoardOptions): Promise<void> {
  const host = options.host ?? '127.0.0.1';
  if (options.code !== undefined && !/^[A-Za-z0-9]{4,32}$/.test(options.code)) {
    throw usageError('--code takes 4 to 32 letters and digits', 'or leave it out for a random one');
  }
  const board = await startBoard({
    host,
    port: options.port,
    classCode: options.code,
    onReport: options.json ? (row) => process.stdout.write(`${reportLine(row)}\n`) : undefined,
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') throw usageError(`port ${options.port} is in use`, 'pick another with --port, or stop what uses it');
    if (error.code === 'EADDRNOTAVAIL') throw usageError(`${host} is not an address of this machine`, 'give one of its addresses with --host, or 0.0.0.0 for all');
    throw error;
  });
  const pageHost = WILDCARD.has(host) ? '127.0.0.1' : host;
  const url = `http://${hostInUrl(pageHost)}:${board.port}/?view=${board.viewKey}`;
  const joinUrl = `http://${hostInUrl(reachableAddress(host))}:${board.port}/join/${board.classCode}`;
  const droppedTo = dropRoot();
  const loopbackOnly = host === '127.0.0.1' || host === '::1' || host === 'localhost';
  const where = loopbackOnly
    ? `listening on ${host} only: learners on other machines cannot reach it (--host 0.0.0.0 opens it to the room)`
    : `listening on ${host}: reachable from the network`;

  if (options.json) {
    process.stdout.write(`${JSON.stringify({ type: 'ready', url, joinUrl, host, port: board.port, loopbackOnly, user: droppedTo })}\n`);
  } else {
    // The QR code is for a terminal on a projector, not for a log file.
    const qr = process.stdout.isTTY ? `\n${await QRCode.toString(joinUrl, { type: 'terminal', small: true, errorCorrectionLevel: 'L' })}` : '';
    process.stdout.write(
      `Classroom board: ${url}\n` +
        `  ${where}\n` +
        (droppedTo ? `  running as ${droppedTo}: root is not needed to serve the page\n` : '') +
        `\nLearners join with this URL${qr ? ' (or the QR code)' : ''}:\n  ${joinUrl}\n${qr}\n` +
        `  sudo npx ebpf-workshop start --board ${joinUrl} --name "Your Name"\n\n` +
        'Ctrl-C stops the board.\n',
    );
  }
  await stopSignal();
  await board.close();
  if (!options.json) process.stdout.write('board stopped\n');
}

export function register(program: Command): void {
  program
    .command('board')
    .description('the instructor\'s classroom board: every learner\'s level, last check and what fails, live in a web page')
    .option('--port <port>', 'port to listen on (0 = any free one)', intOption(0, 65535), 7373)
    .option('--host <address>', 'address to listen on (default 127.0.0.1: this machine only; 0.0.0.0: the room)')
    .option('--code <code>', 'the class code in the join URL (default: a new random one)')
    .option('--json', 'print {"type":"ready",…} with the URLs, then one line per report')
    .action(async (options: BoardOptions) => {
      await runBoard(options).catch((e) => fail(e, options));
      process.exit(process.exitCode ?? 0);
    });
}
