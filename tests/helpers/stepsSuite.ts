// The tutorial of a track, step by step (the suite behind tests/live/check-steps.test.ts and
// tls-steps.test.ts). The file as it stands after level N's steps (the level's `step`) passes
// `check --track T --level N` — statically and, when the level attaches, live with events from
// the track's target — and fails `check --level N+1`, naming exactly the hooks and maps level
// N+1 adds. The track's start file fails level 0, naming the first hook.
import t, { type Test } from 'tap';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import * as tracks from '../../src/tracks/tracks.js';
import { checkById, failedChecks, testWorkspace, runCheck, STACK_TRACE, type Workspace } from './cli.js';
import { liveKernel } from './kernel.js';

/** The level's expected events and the live check that judges each. */
const liveChecks = { open: 'live:open', ingress: 'live:ingress', egress: 'live:egress', close: 'live:close', exchange: 'live:exchange', onlyTarget: 'live:only-target' } as const;

/** A learner's directory whose clean.c is `source`. */
function workspaceWith(t: Test, source: string): Workspace {
  const workspace = testWorkspace(t, 'ebpf-workshop-steps-');
  copyFileSync(source, path.join(workspace.dir, 'clean.c'));
  return workspace;
}

/** Names in `later` not already in `earlier`: what a level adds. */
function added(later: { name: string }[], earlier: { name: string }[]): string[] {
  const had = new Set(earlier.map((e) => e.name));
  return later.map((e) => e.name).filter((n) => !had.has(n));
}

export async function stepsSuite(trackId: string): Promise<void> {
  const track = tracks.loadTrack(trackId);
  const stepFile = (id: number) => tracks.levelOf(track, id).step;
  const hooksUpTo = (id: number) => tracks.hooksUpTo(track, id);
  const mapsUpTo = (id: number) => tracks.mapsUpTo(track, id);
  const perfOutputsUpTo = (id: number) => tracks.perfOutputsUpTo(track, id);
  const check = (level: number, workspace: Workspace) => runCheck(['--track', trackId, '--level', String(level)], { workspace });
  const levelCount = track.levels.length;

  await liveKernel(); // fails here, clearly, on a machine that cannot run the live tests
  // Ten checks in a row, a few seconds each (more on a busy machine).
  t.setTimeout(600_000);

  t.test('the track\'s start file fails level 0, naming the first hook to write', async (t) => {
    const first = hooksUpTo(0)[0]!.name;
    const run = await check(0, workspaceWith(t, track.start));
    t.equal(run.code, 1, 'exit 1');
    t.equal(run.report.passed, false);
    t.equal(run.report.file, 'clean.c', 'the default file is ./clean.c');
    const entry = checkById(run.report, `hook:${first}`);
    t.equal(entry?.status, 'fail', 'the entry hook is reported missing');
    t.match(entry?.message, first);
    t.equal(checkById(run.report, 'compile')?.status, 'pass', 'the outline itself compiles');
    t.notMatch(run.stderr, STACK_TRACE);
  });

  for (let level = 0; level < levelCount; level++) {
    const spec = tracks.levelOf(track, level).spec;
    t.test(`level ${level}: the file after its steps passes check --level ${level}`, async (t) => {
      const workspace = workspaceWith(t, stepFile(level));
      const run = await check(level, workspace);
      t.equal(run.code, 0, `exit 0 (stderr: ${run.stderr.trim() || 'empty'})`);
      t.equal(run.report.passed, true);
      t.equal(run.report.level, level);
      for (const check of run.report.checks) {
        t.not(check.status, 'fail', `${check.id}: ${check.message}${check.hint ? ` (${check.hint})` : ''}`);
      }

      // Every hook, map and output of the levels so far was really checked, not skipped.
      const expectedIds = [
        'file',
        'compile',
        ...hooksUpTo(level).flatMap((h) => [`hook:${h.name}`, `verifier:${h.name}`]),
        ...mapsUpTo(level).map((m) => `map:${m.name}`),
        ...perfOutputsUpTo(level).map((o) => `output:${o.name}`),
      ];
      for (const id of expectedIds) t.equal(checkById(run.report, id)?.status, 'pass', `${id} passed`);

      const live = run.report.checks.filter((c) => c.id.startsWith('live'));
      if (!spec.expectedEvents.attach) {
        t.same(live, [], 'level 0 attaches nothing, so has no live checks');
        t.same(run.report.capture.events, { open: 0, ingress: 0, egress: 0, close: 0 });
        return;
      }
      const wanted = Object.entries(liveChecks).flatMap(([kind, id]) => (spec.expectedEvents[kind as keyof typeof liveChecks] ? [id] : []));
      t.same(live.map((c) => c.id).sort(), wanted.sort(), 'exactly the level\'s live checks');
      for (const check of live) t.equal(check.status, 'pass', `${check.id}: ${check.message}`);
      // The capture keeps only the target's events; what the level expects must be in it.
      const { events } = run.report.capture;
      for (const kind of ['open', 'ingress', 'egress', 'close'] as const) {
        if (spec.expectedEvents[kind]) t.ok(events[kind] >= 3, `${events[kind]} ${kind} events for the 3 requests`);
        else t.equal(events[kind], 0, `no ${kind} events: this level does not hook that yet`);
      }
      if (spec.expectedEvents.exchange) t.ok(run.report.capture.exchanges.length >= 3, 'whole exchanges');
    });

    if (level + 1 >= levelCount) continue;
    const next = level + 1;
    t.test(`level ${level}: the same file fails check --level ${next}, naming what level ${next} adds`, async (t) => {
      const workspace = workspaceWith(t, stepFile(level));
      const run = await check(next, workspace);
      t.equal(run.code, 1, 'exit 1');
      t.equal(run.report.passed, false);

      const newHooks = added(hooksUpTo(next), hooksUpTo(level));
      const newMaps = added(mapsUpTo(next), mapsUpTo(level));
      const newOutputs = added(perfOutputsUpTo(next), perfOutputsUpTo(level));
      t.ok(newHooks.length + newMaps.length > 0, `level ${next} adds something to check`);
      const expected = [...newHooks.map((h) => `hook:${h}`), ...newMaps.map((m) => `map:${m}`)];
      t.same(failedChecks(run.report).map((c) => c.id).sort(), expected.sort(), 'the failures are exactly what the level adds');
      for (const name of [...newHooks, ...newMaps]) {
        const check = failedChecks(run.report).find((c) => c.id.endsWith(`:${name}`));
        t.match(check?.message, name, `the message names ${name}`);
        t.match(check?.hint, /\S/, `${name} comes with a hint`);
      }
      // An output whose perf buffer is not declared yet is not judged on its fields.
      for (const name of newOutputs) t.equal(checkById(run.report, `output:${name}`)?.status, 'skip', `output:${name} skipped`);
      t.equal(checkById(run.report, 'live')?.status, 'skip', 'the live run waits for the static checks');
      t.notMatch(run.stderr, STACK_TRACE);
    });
  }
}
