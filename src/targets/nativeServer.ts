// Runs the native demo server (addon/demo_server.c, built into build/bin/demo-server): the
// program whose accept4/read/write/close calls the HTTP track's hooks capture — and, with
// `tls`, whose SSL_read/SSL_write calls the TLS track's uprobes capture (demo_server_tls.c).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { nativeBinDir } from '../native/addon.js';
import { invokingUser } from '../util/invokingUser.js';
import { ListeningProcess, targetServerError } from './listeningProcess.js';

export interface NativeServerOptions {
  /** Address to listen on; loopback unless asked otherwise. */
  host?: string;
  /** Port to try first (the next ones are tried if busy); 0 picks any free port. */
  port?: number;
  /**
   * Who the server runs as when we are root; defaults to the user behind sudo, and without sudo
   * the server switches to nobody itself. It never keeps root.
   */
  runAs?: { uid: number; gid: number };
  /** HTTPS (a key and self-signed certificate made in the server's memory) rather than HTTP. */
  tls?: boolean;
  /** How long to wait for the server to say it is listening. */
  startTimeoutMs?: number;
}

/** The running demo server: its pid, host, port, url, encrypted byte counts (TLS), stop(). */
export type NativeServer = ListeningProcess;

export const NativeServer = {
  binary(): string {
    return path.join(nativeBinDir, 'demo-server');
  },

  async start(opts: NativeServerOptions = {}): Promise<NativeServer> {
    const binary = NativeServer.binary();
    if (!existsSync(binary)) {
      throw targetServerError(
        `the demo server is not built (${binary} is missing): run \`./scripts/setup.sh\` or \`npm run build\``,
      );
    }
    const host = opts.host ?? '127.0.0.1';
    const port = opts.port ?? (opts.tls ? 8443 : 8080);
    const runAs = opts.runAs ?? invokingUser();

    const args = ['--host', host, '--port', String(port), '--exit-with-parent'];
    if (opts.tls) args.push('--tls');
    // The server binds as root and then switches user itself, rather than being spawned as that
    // user: under `sudo npx` the binary sits in root's npm cache, which the user cannot reach.
    if (runAs && process.getuid?.() === 0 && runAs.uid !== 0) args.push('--user', `${runAs.uid}:${runAs.gid}`);
    // Whom it runs as is decided here (or, with no one to run as, by the server's fallback to
    // nobody), so the server's own fallback to SUDO_UID must not apply.
    const env = { ...process.env };
    delete env.SUDO_UID;
    delete env.SUDO_GID;

    return ListeningProcess.start({
      what: opts.tls ? 'the HTTPS demo server' : 'the demo server',
      command: binary,
      args,
      env,
      scheme: opts.tls ? 'https' : 'http',
      startTimeoutMs: opts.startTimeoutMs,
      whenMissing: 'rebuild it with `npm run build`',
    });
  },
};
