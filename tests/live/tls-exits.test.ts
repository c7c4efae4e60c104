// Must show (TLS track): after any exit of the workshop — SIGINT, SIGTERM, even SIGKILL — no
// uprobe of ours stays attached (bpftool), no program stays loaded, and neither TLS target
// server outlives it.
import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { perfAttachmentsOf, programsNamed } from '../helpers/bpftool.js';
import { exitsWithin } from '../helpers/processes.js';

const fixture = path.join(import.meta.dirname, 'fixtures', 'tls-attach-and-wait.ts');

for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
  t.test(`${signal}: no uprobe, program or TLS server of ours is left`, async (t) => {
    const name = `ws_tls_${process.pid % 10000}_${signal.slice(3, 5).toLowerCase()}`;
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, name], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const servers = await new Promise<number[]>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (d) => {
        stdout += d;
        const match = /attached (\d+) (\d+)\n/.exec(stdout);
        if (match) resolve([Number(match[1]), Number(match[2])]);
      });
      child.on('exit', () => reject(new Error(`the child exited early: ${stderr}`)));
    });
    t.equal(perfAttachmentsOf(child.pid!).length, 4, 'four uprobes attached while it runs (bpftool perf)');
    t.equal(programsNamed(name).length, 1, 'the program is loaded');

    child.kill(signal);
    await once(child, 'exit');
    t.same(perfAttachmentsOf(child.pid!), [], 'no uprobe of ours is left attached');
    t.same(programsNamed(name), [], 'no program of ours is left loaded');
    t.ok(await exitsWithin(servers[0]!, 3000), 'the HTTPS demo server has gone');
    t.ok(await exitsWithin(servers[1]!, 3000), "Python's HTTPS server has gone");
  });
}
