// Must show (engine): after SIGINT and after SIGTERM, no BPF program of ours is left loaded.
import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { programsNamed } from '../helpers/bpftool.js';

const fixture = path.join(import.meta.dirname, 'fixtures', 'attach-and-wait.ts');

for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  t.test(`${signal} detaches and unloads everything`, async (t) => {
    const name = `ws_sig_${process.pid % 10000}_${signal === 'SIGINT' ? 'i' : 't'}`;
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, name], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        if (stdout.includes('attached\n')) resolve();
      });
      child.on('exit', () => reject(new Error(`the child exited early: ${stderr}`)));
    });
    t.equal(programsNamed(name).length, 1, 'the program is loaded while the child runs');

    child.kill(signal);
    const [code] = await once(child, 'exit');
    t.equal(code, status, `exit status ${status}`);
    t.equal(stderr, '', 'a quiet exit');
    t.same(programsNamed(name), [], 'no program of ours is left loaded');
  });
}
