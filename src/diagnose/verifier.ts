// Turns the kernel verifier's log into one diagnosis the learner can act on: which rule their
// program broke, where in their file, why, and what to write instead.
//
// The log is a trace of the verifier's walk through the compiled program: instructions
// (`27: (79) r3 = *(u64 *)(r7 +0)`) followed by what it knows of the registers they touched
// (`; R7=map_value_or_null(id=2,map=active_accept_a,…)`), markers from BTF line info
// (`;  @ clean.c:112`) before the instructions of each source line, and, after the
// instruction it refused, the reason (`R7 invalid mem access 'map_value_or_null'`).
//
// Two things make the markers imprecise, and both are handled here rather than trusted:
// - BCC rewrites the program before compiling it and some rewrites add lines, so a marker
//   can name a line a little below the one meant (seen: up to 2 lines inside the helpers of
//   solution.c). With the learner's source at hand, the location snaps to the nearest line
//   above (then below) that holds what the rule is about: the helper call, the `->`, the loop.
// - When the kernel answers EINVAL, libbcc loads the program again without BTF line info, so
//   the log has no markers at all. The location is then found in the source: the one call of
//   the failing helper in the functions the hook reaches, when there is exactly one.
import type { ErrorCode } from '../errors/codes.js';
import { parseVerifierLog, tailOf } from './verifierLog.js';
import { Reading, type Rule, type VerifierRule, type VerifierSummary, type VerifierLogOptions } from './verifierReading.js';
import {
  explainBackendStack,
  explainCombinedStack,
  explainNoReturn,
  explainNullCheck,
  explainTooComplex,
  explainUnboundedSize,
  explainUninitializedStack,
  explainUnreachable,
} from './verifierRules.js';
import {
  explainContextAccess,
  explainInvalidPointer,
  explainMapValueAccess,
  explainStackBounds,
  explainUnavailableHelper,
  explainUndefinedFunction,
} from './verifierAccessRules.js';

export { parseVerifierLog } from './verifierLog.js';
export type { SourceLocation, VerifierLogOptions, VerifierRule, VerifierSummary } from './verifierReading.js';

/** Each rule's stable code (docs/errors.md). The stack limit and a missing return read the same at compile time. */
const RULE_CODES: Record<VerifierRule, ErrorCode> = {
  'null-check': 'VERIFIER_NULL_CHECK',
  'unbounded-size': 'VERIFIER_UNBOUNDED_SIZE',
  'stack-limit': 'STACK_LIMIT',
  'invalid-access': 'VERIFIER_INVALID_ACCESS',
  'uninitialized-stack': 'VERIFIER_UNINITIALIZED_STACK',
  'no-return': 'NO_RETURN',
  unreachable: 'VERIFIER_UNREACHABLE',
  'too-complex': 'VERIFIER_TOO_COMPLEX',
  'unknown-function': 'UNKNOWN_FUNCTION',
  unknown: 'VERIFIER_REJECTED',
};

const RULES: Rule[] = [
  { pattern: /^R(\d+) invalid mem access '(\w*or_null\w*)'/, explain: explainNullCheck },
  { pattern: /^R(\d+) (unbounded memory access|min value is negative|invalid zero-sized read)/, explain: explainUnboundedSize },
  { pattern: /combined stack size of (\d+) calls is (\d+)/, explain: explainCombinedStack },
  { pattern: /BPF stack limit of \d+ bytes is exceeded/, explain: explainBackendStack },
  { pattern: /^invalid (?:indirect )?read from stack (?:R(\d+) )?(?:var_)?off (-?\d+)\+(\d+) size (\d+)/, explain: explainUninitializedStack },
  { pattern: /^R0 !read_ok/, explain: explainNoReturn },
  { pattern: /^unreachable insn (\d+)/, explain: explainUnreachable },
  {
    pattern: /BPF program is too large|The sequence of \d+ jumps is too complex|infinite loop detected|back-edge from insn|too many states/,
    explain: explainTooComplex,
  },
  { pattern: /^last insn is not an exit or jmp/, explain: explainUndefinedFunction },
  { pattern: /^(?:unknown func|program of this type cannot use helper) (\w+)#\d+/, explain: explainUnavailableHelper },
  { pattern: /^invalid access to map value, value_size=(\d+) off=(-?\d+) size=(\d+)/, explain: explainMapValueAccess },
  { pattern: /^invalid (read from|write to|indirect access to) stack R(\d+) off=(-?\d+) size=(\d+)/, explain: explainStackBounds },
  { pattern: /^invalid bpf_context access off=(\d+) size=(\d+)/, explain: explainContextAccess },
  { pattern: /^R(\d+) invalid mem access '(\w+)'/, explain: explainInvalidPointer },
];

export function summarizeVerifierLog(log: string, options: VerifierLogOptions = {}): VerifierSummary {
  const parsed = parseVerifierLog(log);
  const reading = new Reading(parsed, options);
  const rawTail = tailOf(parsed);
  for (const message of parsed.messages.length ? parsed.messages : parsed.lines.filter((l) => l.trim())) {
    for (const rule of RULES) {
      const m = rule.pattern.exec(message);
      if (!m) continue;
      const explained = rule.explain(reading, m);
      return { ...explained, code: explained.code ?? RULE_CODES[explained.rule], rawTail };
    }
  }
  const reason = parsed.messages[0];
  return {
    rule: 'unknown',
    code: RULE_CODES.unknown,
    cause: `${reading.rejected()}${reason ? `: “${reason}”` : ' without saying why'}.`,
    fix: 'The raw verifier log ends with the instruction it refused; the `; @ file:line` above it says which line of yours that is.',
    location: reading.location(reading.markerLine()),
    rawTail,
  };
}
