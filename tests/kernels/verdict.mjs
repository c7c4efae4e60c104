// The verdict on one kernel's run of tests/kernels/checks.mjs: its line for
// `npm run test:kernels` and the detail lines under it.

/** The report checks.mjs printed as its last stdout line, or null when there is none. */
export function parseReport(stdout) {
  try {
    const report = JSON.parse(stdout.trim().split('\n').pop() ?? '');
    return Array.isArray(report?.results) ? report : null;
  } catch {
    return null;
  }
}

/**
 * `where`: "host" or "guest"; `expected`: the attach mode every check must report;
 * `checkCount`: how many checks a complete run has; `outcome`: the run's exit code, stdout
 * and stderr; `seconds`: how long it took. Returns { ok, lines }.
 */
export function kernelVerdict({ where, expected, checkCount, outcome, seconds }) {
  const report = parseReport(outcome.stdout);
  if (!report) {
    const said = (outcome.stderr.trim() || outcome.stdout.trim()).split('\n').slice(-15);
    return {
      ok: false,
      lines: [`${where} ? ${expected}: FAIL (the checks did not run: exit ${outcome.code}, ${seconds} s)`, ...said.map((l) => `    ${l}`)],
    };
  }
  const details = [];
  let passed = 0;
  for (const r of report.results) {
    const problems = [];
    if (!r.passed) problems.push(...(r.failures.length ? r.failures : [`exit ${r.exitCode}`]));
    if (r.attachMode !== expected) problems.push(`attach mode ${r.attachMode ?? 'unknown'}, expected ${expected}`);
    if (problems.length === 0) passed++;
    const track = r.track && r.track !== 'http' ? `--track ${r.track} ` : '';
    details.push(`  ${r.file} ${track}--level ${r.level}: ${problems.length ? 'FAIL' : 'pass'} (${r.seconds} s)`);
    for (const p of problems) details.push(`      ${p}`);
    if (problems.length && r.stderr) for (const line of r.stderr.split('\n')) details.push(`      | ${line}`);
  }
  const leftovers = report.leftovers ?? [];
  for (const leftover of leftovers) details.push(`  left in the kernel: ${leftover}`);
  const ok = passed === checkCount && report.results.length === checkCount && leftovers.length === 0;
  return {
    ok,
    lines: [`${where} ${report.kernel} ${expected}: ${ok ? 'pass' : 'FAIL'} (${passed}/${checkCount}, ${seconds} s)`, ...details],
  };
}
