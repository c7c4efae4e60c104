// The TLS track's targets, both answering POST /customResponse over HTTPS on loopback:
// - the native demo server's HTTPS listener (demo-server --tls): OpenSSL's SSL_read/SSL_write;
// - Python's http.server wrapped in ssl (addon/python_https_server.py), a server nobody here
//   wrote, whose CPython calls SSL_read_ex/SSL_write_ex.
// Neither keeps root, and no key reaches the disk: the demo server makes its own in memory; for
// Python, the demo server prints a fresh one that goes through a pipe into Python's memory.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { atBasePriority } from '../engine/priority.js';
import { packageRoot } from '../native/addon.js';
import { unprivilegedUser } from '../util/invokingUser.js';
import { ListeningProcess, targetServerError } from './listeningProcess.js';
import { NativeServer } from './nativeServer.js';

export interface TlsServerOptions {
  /** Address to listen on; loopback unless asked otherwise. */
  host?: string;
  /** Port to try first (the next ones are tried if busy); 0 picks any free port. */
  port?: number;
  startTimeoutMs?: number;
}

const DEFAULT_PORT = 8443;

/** The native demo server's HTTPS listener: NativeServer.start({ tls: true }). */
export function startHttpsDemoServer(opts: TlsServerOptions = {}): Promise<ListeningProcess> {
  return NativeServer.start({ ...opts, tls: true, port: opts.port ?? DEFAULT_PORT });
}

/**
 * One of our Python programs (addon/<file>) as a command: Debian's python3 (its CPython links
 * the distribution's libssl), else the first on PATH. The program goes in argv, read here:
 * under `sudo npx` its file sits where the user cannot read. -I: none of the environment's
 * PYTHON* variables or user site; -B: no bytecode files.
 */
const pythonSources = new Map<string, string>(); // read once: the second client runs on every request

function pythonProgram(file: string, args: string[]): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  let program = pythonSources.get(file);
  if (program === undefined) pythonSources.set(file, (program = readFileSync(path.join(packageRoot, 'addon', file), 'utf8')));
  return {
    command: existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3',
    args: ['-I', '-B', '-c', program, ...args],
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' },
  };
}

/** Whom our Python programs run as: the invoking user when we are root (nobody without sudo). */
function pythonUser(): { uid: number; gid: number } | undefined {
  return process.getuid?.() === 0 ? unprivilegedUser() : undefined;
}

/**
 * One tutorial POST from a second client, Python's (addon/python_https_client.py), whose
 * CPython goes through the distribution's libssl — the library the TLS track's uprobes are
 * attached to, so its calls reach the learner's hooks unless their pid filter leaves them out.
 * Run as the invoking user (nobody when root without sudo); a reply other than 200 is an error.
 */
export async function sendFromPythonClient(server: { host: string; port: number; what: string }, size: number): Promise<void> {
  const { command, args, env } = pythonProgram('python_https_client.py', ['--host', server.host, '--port', String(server.port), '--size', String(size)]);
  const runAs = pythonUser();
  let status: number;
  try {
    // Long: Python takes seconds to start on an emulated CPU (the QEMU guest of test:kernels).
    const client = promisify(execFile)(command, args, { encoding: 'utf8', timeout: 60_000, env, ...(runAs ? { ...runAs, cwd: '/' } : {}) });
    atBasePriority(client.child.pid); // not the app's raised priority (src/engine/priority.ts)
    const { stdout } = await client;
    status = Number(stdout.trim());
  } catch (e) {
    const error = e as NodeJS.ErrnoException & { stderr?: string };
    if (error.code === 'ENOENT') throw targetServerError('the second client needs python3, which is not installed: install python3 (`sudo apt-get install python3`)');
    const said = error.stderr?.trim().split('\n').at(-1) ?? error.message;
    throw targetServerError(`the second client (Python, on the system's libssl) could not reach ${server.host}:${server.port}: ${said}`);
  }
  if (status !== 200) throw targetServerError(`${server.what} answered the second client with ${status}, not 200`);
}

/** Python's http.server in ssl, run as the invoking user (nobody when root without sudo). */
export async function startPythonHttpsServer(opts: TlsServerOptions = {}): Promise<ListeningProcess> {
  const binary = NativeServer.binary();
  if (!existsSync(binary)) throw targetServerError(`the demo server, which makes Python's key, is not built (${binary} is missing): run \`npm run build\``);
  const printing = promisify(execFile)(binary, ['--print-self-signed'], { encoding: 'utf8' });
  atBasePriority(printing.child.pid);
  const { stdout: pem } = await printing;
  const host = opts.host ?? '127.0.0.1';
  return ListeningProcess.start({
    what: "Python's HTTPS server",
    ...pythonProgram('python_https_server.py', ['--host', host, '--port', String(opts.port ?? DEFAULT_PORT)]),
    runAs: pythonUser(),
    stdin: pem,
    scheme: 'https',
    // Python takes ~0.1 s to be listening here, but 10 s and more on an emulated CPU (the QEMU
    // guest of test:kernels): wait long before calling it stuck.
    startTimeoutMs: opts.startTimeoutMs ?? 60_000,
    whenMissing: 'install python3 (`sudo apt-get install python3`)',
  });
}
