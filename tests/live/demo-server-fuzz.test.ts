// Must show (issue 13): the demo server survives bad bytes. The server built with AddressSanitizer
// and UBSan (CMake target demo-server-sanitized) gets the fixed corpus of known-bad requests
// (tests/fixtures/demo-server-corpus, each with the status it must answer), then a seeded run
// of generated malformed requests. Any sanitizer report, a crash, or a connection the server
// neither answers nor closes fails the test. FUZZ_SEED=n replays a run; FUZZ_CASES=n sizes it;
// DEMO_SERVER_FUZZ_BINARY=path points it at another build (e.g. an older server).
import t from 'tap';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/cli.js';
import { post, rawExchange } from '../helpers/rawHttp.js';
import { fuzzCase, seededRandom } from '../helpers/requestFuzzer.js';

const seed = Number(process.env.FUZZ_SEED ?? 20261130);
const caseCount = Number(process.env.FUZZ_CASES ?? 2000);
const concurrency = 8;
const corpusDir = path.join(repoRoot, 'tests', 'fixtures', 'demo-server-corpus');
const corpus = JSON.parse(readFileSync(path.join(corpusDir, 'corpus.json'), 'utf8')) as Array<{ file: string; status: number; why: string }>;
const statuses = new Set([100, 200, 400, 404, 405, 408, 413, 431, 501, 503, 505]);
const sanitizerReport = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Undefined|Leak)/;

function sanitizedBinary(): string {
  if (process.env.DEMO_SERVER_FUZZ_BINARY) return process.env.DEMO_SERVER_FUZZ_BINARY;
  // Built here, so the test always runs the server as it stands (the target is not in `all`).
  execFileSync('cmake', ['--build', path.join(repoRoot, 'build'), '--target', 'demo-server-sanitized'], { stdio: 'pipe' });
  return path.join(repoRoot, 'build', 'bin', 'demo-server-sanitized');
}

async function startSanitized(binary: string) {
  const child = spawn(binary, ['--port', '0', '--request-timeout', '3'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:exitcode=86', UBSAN_OPTIONS: 'print_stacktrace=1' },
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const port = Number(/:(\d+)\n/.exec(line.toString())![1]);
  return { child, port, stderr: () => stderr, alive: () => child.exitCode === null && child.signalCode === null };
}

t.test('the sanitized demo server survives the corpus and the fuzz run', async (t) => {
  const server = await startSanitized(sanitizedBinary());
  t.teardown(() => {
    server.child.kill('SIGKILL');
  });
  const healthy = async (when: string) => {
    const { responses } = await rawExchange(server.port, [post('{"size": 4}', 'Connection: close\r\n')], 1, { timeoutMs: 5000 });
    return t.equal(responses[0]?.status, 200, `${when}: a valid request still gets 200`);
  };

  t.test('the fixed corpus: each known-bad request gets its status', async (t) => {
    for (const entry of corpus) {
      const bytes = readFileSync(path.join(corpusDir, entry.file));
      const result = await rawExchange(server.port, [bytes], 1, { end: true, timeoutMs: 5000 }).catch((e: Error) => e);
      if (result instanceof Error) {
        t.fail(`${entry.file} (${entry.why}): ${result.message}`);
        continue;
      }
      t.equal(result.responses[0]?.status, entry.status, `${entry.file}: ${entry.status} — ${entry.why}`);
      t.ok(server.alive(), `the server is alive after ${entry.file}`);
    }
    await healthy('after the corpus');
  });

  t.test(`${caseCount} generated malformed requests (seed ${seed})`, async (t) => {
    const random = seededRandom(seed);
    const cases = Array.from({ length: caseCount }, () => fuzzCase(random));
    const failures: string[] = [];
    const seen = new Map<number | 'closed without an answer', number>();
    let next = 0;
    const started = Date.now();
    const worker = async () => {
      while (next < cases.length && failures.length < 5 && server.alive()) {
        const index = next++;
        const { pieces, recipe } = cases[index];
        const name = `case ${index} (seed ${seed}: ${recipe.join(', ')})`;
        try {
          const { responses, serverClosed } = await rawExchange(server.port, pieces, Number.MAX_SAFE_INTEGER, {
            pauseMs: index % 10 === 0 ? 5 : 0,
            end: true,
            timeoutMs: 6000,
          });
          if (!serverClosed) failures.push(`${name}: the server did not close the connection`);
          for (const key of responses.length ? responses.map((r) => r.status) : ['closed without an answer' as const]) seen.set(key, (seen.get(key) ?? 0) + 1);
          const odd = responses.find((r) => !statuses.has(r.status));
          if (odd) failures.push(`${name}: answered an unexpected status ${odd.status}`);
        } catch (error) {
          failures.push(`${name}: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    t.comment(`${next} cases in ${((Date.now() - started) / 1000).toFixed(1)} s; answers: ${[...seen].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    // The generator must reach past the first check: valid answers, rejections and cut-off requests.
    t.ok([200, 400, 'closed without an answer' as const].every((k) => seen.has(k)), 'the cases reach 200s, 400s and unfinished requests');
    t.ok(server.alive(), 'the server is still running', { stderr: server.stderr().slice(0, 4000) });
    t.same(failures, [], 'every case was answered or closed');
    t.equal(next, caseCount, 'every case ran');
    if (server.alive()) await healthy('after the fuzz run');
  });

  t.test('stops cleanly, and no sanitizer said anything', async (t) => {
    if (server.alive()) {
      server.child.kill('SIGTERM');
      await once(server.child, 'exit');
    }
    t.equal(server.child.exitCode, 0, `exit code 0 (signal: ${server.child.signalCode})`);
    t.notMatch(server.stderr(), sanitizerReport, 'no AddressSanitizer, LeakSanitizer or UBSan report');
    if (sanitizerReport.test(server.stderr())) t.comment(server.stderr().slice(0, 6000));
  });
});
