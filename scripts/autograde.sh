#!/usr/bin/env bash
# Autograding: one level of one track checked in a learner's repository, as a course's CI runs
# it (docs/classroom/autograde.yml calls this once per graded level). The report of
# `check --json` is kept as a file for the run's artifacts; the exit status is check's own:
# 0 every check passed, 1 a check failed, 2 the level could not be checked (the machine, the
# command line). Run as root (loading BPF programs needs it), after scripts/setup.sh:
#
#   sudo scripts/autograde.sh --track http --level 3 [--out grades] [FILE]    (FILE: clean.c)
#
# Prints one line: the level's verdict and, on a failure, the first failing check's code,
# line and message. The report lands in OUT/<track>-level-<N>.json, owned by the user behind
# sudo.
set -Eeuo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cli="$here/../dist/cli.js"
track=http
level=
out=grades
file=clean.c
usage() {
  printf 'usage: %s --track ID --level N [--out DIR] [FILE]\n' "$0" >&2
  exit 2
}
while (($#)); do
  case $1 in
    --track) track=${2:?--track needs a track id}; shift 2 ;;
    --level) level=${2:?--level needs a number}; shift 2 ;;
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    -h | --help) usage ;;
    -*) printf 'error: unknown option %s\n' "$1" >&2; usage ;;
    *) file=$1; shift ;;
  esac
done
[[ -n $level ]] || usage
[[ -f $cli ]] || { printf 'error: %s is missing: run scripts/setup.sh first (it builds the workshop)\n' "$cli" >&2; exit 2; }

mkdir -p "$out"
report="$out/$track-level-$level.json"
status=0
node "$cli" check --track "$track" --level "$level" --json "$file" >"$report" || status=$?
if [[ -n ${SUDO_UID:-} && -n ${SUDO_GID:-} ]]; then
  chown -R "$SUDO_UID:$SUDO_GID" "$out" # the learner's checkout stays theirs
fi

# One line for the CI log, read from the report (an error object when the check could not run).
node - "$report" "$track" "$level" "$status" <<'JS'
const [reportFile, track, level, status] = process.argv.slice(2);
let report;
try {
  report = JSON.parse(require('node:fs').readFileSync(reportFile, 'utf8').trim().split('\n').pop());
} catch {
  console.log(`${track} level ${level}: could not check (exit ${status}; no report written)`);
  process.exit(0);
}
if (report.type === 'error') {
  console.log(`${track} level ${level}: could not check (exit ${status}): ${report.message}${report.hint ? ` — ${report.hint}` : ''}`);
} else if (report.passed) {
  console.log(`${track} level ${level}: pass (${report.checks.length} checks)`);
} else {
  const failed = report.checks.find((c) => c.status === 'fail');
  const where = failed?.location ? ` at line ${failed.location.line}` : '';
  console.log(`${track} level ${level}: FAIL — ${failed?.code ?? failed?.id}${where}: ${failed?.message}`);
}
JS
exit "$status"
