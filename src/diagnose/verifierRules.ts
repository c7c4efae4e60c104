// The verifier's rules about values and control flow, worded for the learner: a map value
// used without its NULL check, a size with no bound, the stack limit, uninitialised stack
// memory, a hook without a return value, unreachable code, a program too complex to follow.
import { helperArgumentName, helperCallPattern, helperLabel, writtenArgumentIndex } from './bpfHelpers.js';
import { learnerFunctionName } from './programNames.js';
import { explainStackLimit } from './stackLimit.js';
import { code, onLine, type Explained, type Reading } from './verifierReading.js';

export function explainNullCheck(reading: Reading, m: RegExpExecArray): Explained {
  const state = reading.register(Number(m[1]));
  const map = reading.mapOf(state);
  const id = state ? /\bid=(\d+)/.exec(state)?.[1] : undefined;
  const lookup = reading.parsed.instructions.find(
    (i) => /call bpf_map_lookup_elem/.test(i.text) && id !== undefined && new RegExp(`R0=\\w*or_null\\w*\\(id=${id}\\b`).test(i.state),
  );
  const lookupLine = lookup ? reading.locate(/\.lookup\b|\bbpf_map_lookup_elem\b/, lookup) : undefined;
  let variable: string | undefined;
  let mapAsWritten = map;
  if (reading.source && lookupLine !== undefined) {
    const written = /\b([A-Za-z_]\w*)\s*=\s*(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*\.\s*lookup\s*\(/.exec(reading.source.codeLine(lookupLine) ?? '');
    if (written) {
      variable = written[1];
      mapAsWritten ??= written[2];
    }
  }
  const useLine = reading.locate(/->|\*\s*[A-Za-z_(]/);
  const lookupCall = mapAsWritten ? `${mapAsWritten}.lookup()` : 'a map lookup';
  const origin = variable ? ` (${code(variable)}${lookupLine !== undefined && lookupLine !== useLine ? `, line ${lookupLine}` : ''})` : '';
  const where = useLine !== undefined ? `line ${useLine} uses` : 'it uses';
  return {
    rule: 'null-check',
    cause: `${reading.rejected()}: ${where} a value from ${lookupCall}${origin} without checking it for NULL first.`,
    fix: `Wrap the code that uses it in ${code(`if (${variable ?? 'value'} != NULL) { … }`)}: lookup() gives NULL when the key is not in the map.`,
    location: reading.location(useLine ?? lookupLine),
  };
}

export function explainUnboundedSize(reading: Reading, m: RegExpExecArray): Explained {
  const register = Number(m[1]);
  const helper = reading.helper;
  const line = reading.locate(helper ? helperCallPattern(helper) : undefined);
  const args = reading.helperArguments(line);
  const index = helper ? writtenArgumentIndex(helper, register) : undefined;
  const expression = index !== undefined ? args?.[index] : undefined;
  const role = (helper && helperArgumentName(helper, register)) ?? `argument ${register}`;
  const what = `the ${role} given to ${helper ? helperLabel(helper) : 'a helper'}${expression ? ` (${code(expression)})` : ''}`;
  const problem =
    m[2] === 'unbounded memory access'
      ? 'has no upper limit the verifier can see, so the copy could run past the end of its destination'
      : m[2] === 'min value is negative'
        ? 'could be negative, which as a size means a huge copy'
        : 'could be zero, and a copy of zero bytes is refused';
  const destination = args?.[0] && helper && /^bpf_probe_read/.test(helper) ? args[0].replace(/^&\s*/, '') : undefined;
  const bound = destination ? `sizeof(${destination})` : 'MAX';
  const n = expression ?? 'n';
  const clamp = `${n} < ${bound} ? ${n} : ${bound}`;
  const clamped = freshName(n, line !== undefined ? (reading.source?.localNames(line) ?? []) : []);
  const fix =
    m[2] === 'unbounded memory access'
      ? `Clamp it before the call, e.g. ${code(`size_t ${clamped} = ${clamp};`)}, and pass ${code(clamped)} in its place: the verifier must be able to prove the copy fits.`
      : m[2] === 'min value is negative'
        ? `Return early when it is not positive (${code(`if (${n} <= 0) return 0;`)} in a hook), keep it in an unsigned variable, and clamp it to ${code(bound)}.`
        : `Return early when it is 0 (${code(`if (${n} == 0)`)}) before copying.`;
  return {
    rule: 'unbounded-size',
    cause: `${reading.rejected()}:${onLine(line)} ${what} ${problem}.`,
    fix,
    location: reading.location(line),
  };
}

/** A name for the clamped size: not one in the size's own expression, nor a local of the hook already. */
function freshName(expression: string, locals: string[]): string {
  const taken = new Set([...locals, ...(expression.match(/[A-Za-z_]\w*/g) ?? [])]);
  const free = ['len', 'copy_len', 'copy_size'].find((name) => !taken.has(name));
  if (free) return free;
  let i = 2;
  while (taken.has(`copy_len${i}`)) i++;
  return `copy_len${i}`;
}

export function explainCombinedStack(reading: Reading, m: RegExpExecArray): Explained {
  const { cause, fix } = explainStackLimit(reading.hook, reading.source, Number(m[2]));
  return { rule: 'stack-limit', cause, fix, location: reading.location(reading.markerLine()) };
}

export function explainBackendStack(reading: Reading, m: RegExpExecArray): Explained {
  const located = /(?:error: )?(.+?):(\d+):\d+: in function ([\w.$]+)/.exec(m.input);
  const fn = located ? learnerFunctionName(located[3]!) : reading.hook;
  const { cause, fix } = explainStackLimit(fn, reading.source);
  return {
    rule: 'stack-limit',
    cause,
    fix,
    location: located ? { file: located[1]!, line: Number(located[2]) } : reading.location(reading.markerLine()),
  };
}

export function explainUninitializedStack(reading: Reading, m: RegExpExecArray): Explained {
  const helper = reading.helper;
  const line = reading.locate(helper ? helperCallPattern(helper) : undefined);
  const args = reading.helperArguments(line);
  const index = helper && m[1] ? writtenArgumentIndex(helper, Number(m[1])) : undefined;
  const pointer = index !== undefined ? args?.[index] : undefined;
  const variable = pointer ? /^&\s*([A-Za-z_]\w*)$/.exec(pointer)?.[1] : undefined;
  const type = variable && line !== undefined ? reading.source?.declaredType(variable, line) : undefined;
  const passes = pointer ? `passes ${code(pointer)} to` : 'passes stack memory to';
  return {
    rule: 'uninitialized-stack',
    cause:
      `${reading.rejected()}:${onLine(line)} it ${passes} ${helper ? helperLabel(helper) : 'a helper'} while some of its bytes were never set ` +
      '(often the padding between fields), and uninitialised stack memory may not leave the program.',
    fix:
      variable && type
        ? `Start it from zero where you declare it: ${code(`${type} ${variable} = {};`)}.`
        : 'Start the variable from zero where you declare it, with `= {}`.',
    location: reading.location(line),
  };
}

export function explainNoReturn(reading: Reading): Explained {
  const hook = reading.hook ? reading.source?.function(reading.hook) : undefined;
  const warning = reading.options.warnings?.find(
    (w) => /does not return a value/.test(w.message) && (!hook || (w.line >= hook.line && w.line <= hook.endLine)),
  );
  const line = warning?.line ?? hook?.endLine ?? reading.markerLine();
  return {
    rule: 'no-return',
    cause: `${reading.rejected()}: it can reach its end${onLine(line)} without returning a value, and every hook must return one.`,
    fix: 'End the function with `return 0;`.',
    location: reading.location(line),
  };
}

export function explainUnreachable(reading: Reading): Explained {
  return {
    rule: 'unreachable',
    cause: `${reading.rejected()}: it holds instructions that can never run.`,
    fix: 'Look for code after a `return`, and for a function that can end without `return`; remove or fix it.',
    location: reading.location(reading.markerLine()),
  };
}

export function explainTooComplex(reading: Reading, m: RegExpExecArray): Explained {
  // A loop shows as a jump backwards among the last instructions walked.
  const tail = reading.parsed.instructions.slice(-40);
  const backJump = [...tail].reverse().find((i) => /goto pc-\d+/.test(i.text));
  const loopish = backJump !== undefined || /loop|back-edge/.test(m[0]);
  let line = reading.markerLine(backJump ?? reading.failing);
  const source = reading.source;
  if (loopish && source && line !== undefined) {
    // The jump back belongs to the loop's last line; its head is the nearest `for`/`while` above.
    const fn = source.functionAt(line);
    for (let l = line; l >= Math.max(line - 12, fn?.bodyLine ?? 1); l--) {
      if (/\b(for|while)\s*\(/.test(source.codeLine(l) ?? '')) {
        line = l;
        break;
      }
    }
  }
  if (loopish) {
    return {
      rule: 'too-complex',
      cause:
        `${reading.rejected()}: it gave up following the loop${onLine(line)}. The verifier walks every iteration ` +
        'of a loop, and this one has no limit it can see.',
      fix: 'Give the loop a small fixed bound, e.g. `for (int i = 0; i < 64 && i < n; i++)`, or do without it: a hook should do little work per event.',
      location: reading.location(line),
    };
  }
  return {
    rule: 'too-complex',
    cause: `${reading.rejected()}: the program has more paths than the verifier is willing to follow.`,
    fix: 'Make the hook simpler: fewer branches, smaller loops, less work per event.',
    location: reading.location(line),
  };
}
