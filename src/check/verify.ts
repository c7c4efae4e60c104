// `check` for one file at one level: the static checks, then (when they pass and the level
// attaches anything) the live ones against the demo server. Returns the CheckReport; the
// kernel is left as it was found.
import { readFile } from 'node:fs/promises';
import { Target } from '../targets/targets.js';
import { checkText, staticChecks } from './staticChecks.js';
import { locateLiveFailures } from './liveLocations.js';
import { prepareRun, type LevelRunOptions } from '../pipeline/program.js';
import { attachDescription, levelOf, targetOf } from '../tracks/tracks.js';
import { emptyCapture, skip, type CaptureReport, type CheckReport, type CheckResult } from '../report/checkReport.js';

export async function verifyLevel(options: LevelRunOptions): Promise<CheckReport> {
  const progress = options.onProgress ?? (() => {});
  const level = levelOf(options.track, options.level);
  const environment = await prepareRun(options);
  const report = (checks: CheckResult[], capture: CaptureReport = emptyCapture()): CheckReport => ({
    level: options.level,
    file: options.file,
    passed: checks.every((c) => c.status !== 'fail'),
    attachMode: environment.attachMode,
    checks,
    capture,
  });

  const bytes = await readFile(options.file);
  const textCheck = checkText(options.file, bytes);
  if (textCheck.status === 'fail') return report([textCheck]);

  progress(`compiling ${options.file} (${attachDescription(options.track.levels, options.level, environment.attachMode)})`);
  const text = bytes.toString('utf8');
  const outcome = await staticChecks({ file: options.file, text, track: options.track, level: options.level, attachMode: environment.attachMode });
  const checks = [textCheck, ...outcome.checks];
  const expected = level.spec.expectedEvents;
  const liveTitle = 'live capture from the demo server';
  if (!outcome.program) {
    if (expected.attach) checks.push(skip('live', liveTitle, 'not run: fix the failures above first'));
    return report(checks);
  }
  if (!expected.attach) {
    outcome.program.close();
    return report(checks);
  }

  let target: Target | undefined;
  try {
    progress('starting the demo server');
    target = await Target.start(targetOf(options.track, options.level));
    progress('attaching and sending requests');
    const live = await outcome.program.attach(target).judgeLive(target);
    return report([...checks, ...locateLiveFailures(live.checks, options.file, text)], live.capture);
  } finally {
    outcome.program.close();
    await target?.stop();
  }
}
