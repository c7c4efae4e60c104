// One wrk run against the demo server: `wrk -t2 -c50 -d{seconds}s -s script url [-- args]`,
// its request count and rate read from what it prints.
import { execFile, type ChildProcess } from 'node:child_process';

export interface WrkRun {
  requests: number;
  requestsPerSec: number;
  seconds: number;
}

export async function runWrk(options: { url: string; script: string; seconds: number; scriptArgs?: string[]; started?: (child: ChildProcess) => void }): Promise<WrkRun> {
  const { seconds } = options;
  const args = ['-t', '2', '-c', '50', '-d', `${seconds}s`, '-s', options.script, options.url, ...(options.scriptArgs ? ['--', ...options.scriptArgs] : [])];
  const child = execFile('wrk', args, { timeout: (seconds + 30) * 1000 });
  options.started?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  // 'close': all of wrk's output has been read (at 'exit' its last lines may still be in the pipe).
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
    child.once('error', reject);
  });
  if (/Non-2xx or 3xx responses/.test(stdout)) throw new Error(`the demo server answered wrk with errors:\n${stdout}`);
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1]);
  const requestsPerSec = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  if (!(requests > 0)) throw new Error(`wrk printed no request count (exit ${signal ?? code}):\n${stdout}${stderr}`);
  return { requests, requestsPerSec, seconds };
}
