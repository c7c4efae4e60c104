#!/usr/bin/env bash
# The autograding workflow's steps (docs/classroom/autograde.yml) on the kernel this runs on:
# `npm run test:classroom` runs it in the QEMU guest on Debian's stock kernel, as a hosted
# runner's kernel would be (kprobes). Setup is the host's (the guest shares its root
# read-only); what runs here is what the workflow runs after setup: a learner's repository
# with their clean.c, scripts/autograde.sh per graded level, the JSON kept, pass or fail by
# the exit status. Two repositories: one whose clean.c is the reference (level 4 must pass),
# one whose clean.c lacks its NULL check (level 1 must fail, exit 1, with the failing check
# named). Ends with "N passed, N failed".
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d /tmp/ebpf-workshop-autograde.XXXXXX)
trap 'rm -rf "$work"' EXIT
export XDG_STATE_HOME="$work/state" # check's progress file, not the home directory's
unset SUDO_UID SUDO_GID SUDO_USER
passed=0
failed=0
verdict() { # name, ok (yes/no), detail
  if [[ $2 == yes ]]; then passed=$((passed + 1)); printf 'ok   %s\n' "$1"; else failed=$((failed + 1)); printf 'FAIL %s: %s\n' "$1" "$3"; fi
}
field() { node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(eval(process.argv[2]))' "$1" "$2"; }

# A learner's repository, as actions/checkout leaves it.
course() {
  mkdir -p "$work/$1"
  cp "$repo/solution.c" "$work/$1/clean.c"
}

# 1. The reference program: level 4 passes.
course reference
(cd "$work/reference" && "$repo/scripts/autograde.sh" --track http --level 4 --out grades)
status=$?
report="$work/reference/grades/http-level-4.json"
verdict 'reference: level 4 exits 0' "$([[ $status -eq 0 ]] && echo yes || echo no)" "exit $status"
verdict 'reference: the report is kept and says passed' "$([[ -f $report && $(field "$report" 'r.passed') == true ]] && echo yes || echo no)" "$(head -c 400 "$report" 2>/dev/null)"
printf '     on %s, attach mode %s\n' "$(uname -r)" "$(field "$report" 'r.attachMode' 2>/dev/null)"

# 2. A program without its NULL check: level 1 fails, and says which check.
course no-null
node -e '
  const fs = require("fs");
  const text = fs.readFileSync(process.argv[2], "utf8");
  const edited = text.replace("  if (accept_args != NULL) {\n", "  {\n");
  if (edited === text) throw new Error("the NULL check to take out is not in " + process.argv[2]);
  fs.writeFileSync(process.argv[1], edited);
' "$work/no-null/clean.c" "$repo/levels/http/steps/level-1.c"
(cd "$work/no-null" && "$repo/scripts/autograde.sh" --track http --level 1 --out grades)
status=$?
report="$work/no-null/grades/http-level-1.json"
verdict 'no NULL check: level 1 exits 1' "$([[ $status -eq 1 ]] && echo yes || echo no)" "exit $status"
first=$(field "$report" 'r.checks.find((c) => c.status === "fail")?.code ?? r.checks.find((c) => c.status === "fail")?.id' 2>/dev/null)
verdict 'no NULL check: the report names the failing check' "$([[ $first == *verifier* || $first == *NULL* || $first == *null* ]] && echo yes || echo no)" "first failing: ${first:-none}"

printf '%s passed, %s failed\n' "$passed" "$failed"
((failed == 0))
