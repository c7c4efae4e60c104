// `ebpf-workshop server`: the demo server on its own, for trying the tutorial's curl by hand or
// for running your own sniffer against it. Stops cleanly on Ctrl-C or SIGTERM.
import type { Command } from 'commander';
import { describeExit, targetServerError } from '../targets/listeningProcess.js';
import { NativeServer } from '../targets/nativeServer.js';
import { curlLine } from '../targets/traffic.js';
import { fail, intOption, stopSignal } from './cliSupport.js';

interface ServerOptions {
  host: string;
  port: number;
}

async function runServer(options: ServerOptions): Promise<void> {
  const server = await NativeServer.start({ host: options.host, port: options.port });
  process.stdout.write(
    `demo server listening on ${server.url} (pid ${server.pid})\n` +
      `try it:  ${curlLine(server.host, server.port)}\n` +
      'Ctrl-C stops it.\n',
  );
  const ended = await Promise.race([stopSignal(), server.exited.then((exit) => ({ exit }))]);
  if (typeof ended === 'string') {
    // On Ctrl-C the terminal signals the server too; stop() covers both cases.
    await server.stop();
    process.stdout.write('demo server stopped\n');
    return;
  }
  // Said as run says it: "the demo server was killed by SIGKILL (signal 9)".
  throw targetServerError(`${describeExit(server.what, ended.exit)} while serving: run \`ebpf-workshop server\` again`);
}

export function register(program: Command): void {
  program
    .command('server')
    .description('run the demo server alone and print a curl line to try it')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to try first (the next free one is used if busy; 0 = any)', intOption(0, 65535), 8080)
    .action(async (options: ServerOptions) => {
      try {
        await runServer(options);
      } catch (error) {
        fail(error);
      }
    });
}
