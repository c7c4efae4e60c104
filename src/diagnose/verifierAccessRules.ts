// The verifier's rules about calls and memory access, worded for the learner: a function
// with no body, a helper this program type may not call, reads past a map value, a stack
// variable or the context, and pointers the verifier cannot vouch for.
import { escapeRegExp } from '../c/cSource.js';
import { BPF_HELPER_NAMES, helperCallPattern, helperLabel, writtenArgumentIndex } from './bpfHelpers.js';
import { didYouMean } from './didYouMean.js';
import { code, onLine, type Explained, type Reading } from './verifierReading.js';

export function explainUndefinedFunction(reading: Reading): Explained {
  const warning = reading.options.warnings?.find((w) => /implicit declaration of function '(\w+)'|call to undeclared function '(\w+)'/.test(w.message));
  const name = warning ? /function '(\w+)'/.exec(warning.message)?.[1] : undefined;
  if (!warning || !name) {
    return {
      rule: 'unknown-function',
      cause: `${reading.rejected()}: it calls a function that has no body, so the compiled program ends in a call to nothing.`,
      fix: 'Define every function you call, above its first use, and check the spelling of the BPF helpers you call.',
    };
  }
  const candidates = [...(reading.source?.functions().map((f) => f.name) ?? []), ...BPF_HELPER_NAMES];
  const suggestion = didYouMean(name, candidates);
  return {
    rule: 'unknown-function',
    cause:
      `${reading.rejected()}: ${code(name)} on line ${warning.line} is neither defined in your file nor a helper BCC knows, ` +
      'so the program calls nothing there.',
    fix: suggestion ? `Did you mean ${code(suggestion)}?` : `Define ${code(name)} above its first use, or check its spelling.`,
    location: { file: warning.file, line: warning.line },
  };
}

export function explainUnavailableHelper(reading: Reading, m: RegExpExecArray): Explained {
  const helper = m[1]!;
  const line = reading.locate(helperCallPattern(helper));
  return {
    rule: 'unknown-function',
    code: 'VERIFIER_HELPER_UNAVAILABLE',
    cause: `${reading.rejected()}:${onLine(line)} it calls ${code(helper)}, which this kernel does not offer to this kind of program.`,
    fix: /^bpf_probe_read_(user|kernel)/.test(helper)
      ? 'Use `bpf_probe_read`, which every kernel BCC supports offers.'
      : 'Use a helper this kind of program may call; the workshop only needs bpf_get_current_pid_tgid, bpf_ktime_get_ns and bpf_probe_read.',
    location: reading.location(line),
  };
}

export function explainMapValueAccess(reading: Reading, m: RegExpExecArray): Explained {
  const [valueSize, offset, size] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const register = reading.failing ? /\(r(\d+) [+-]\d+\)/.exec(reading.failing.text)?.[1] : undefined;
  const map = reading.mapOf(register ? reading.register(Number(register)) : undefined);
  const line = reading.locate(/->|\[/);
  const cause =
    `${reading.rejected()}:${onLine(line)} it reads ${size} bytes at offset ${offset} of a value from ${map ?? 'a map'}, ` +
    `but that map's values are only ${valueSize} bytes long.`;
  const source = reading.source;
  const declared = map ? source?.maps().find((d) => d.name === map) : undefined;
  if (source && declared?.valueType) {
    // The usual cause: the lookup's result is taken for another map's type (copied from the read hook).
    const lookup = new RegExp(`(struct\\s+\\w+)\\s*\\*\\s*\\w+\\s*=\\s*(?:\\([^)]*\\)\\s*)?${escapeRegExp(map!)}\\s*\\.\\s*lookup\\b`);
    for (let l = 1; l <= source.lineCount; l++) {
      const found = lookup.exec(source.codeLine(l) ?? '');
      const taken = found?.[1]!.replace(/\s+/g, ' ');
      if (!taken || taken === declared.valueType.replace(/\s+/g, ' ')) continue;
      const meant = source.maps().find((d) => d.valueType?.replace(/\s+/g, ' ') === taken);
      return {
        rule: 'invalid-access',
        cause: `${cause} Line ${l} treats ${map}.lookup()'s result as a ${code(`${taken}*`)}, but ${map} holds ${code(declared.valueType)}.`,
        fix: meant
          ? `Look up the map that holds ${code(taken)}: did you mean ${code(`${meant.name}.lookup(…)`)}?`
          : `Use the type the map holds: ${code(`${declared.valueType}*`)}.`,
        location: reading.location(l),
      };
    }
  }
  return {
    rule: 'invalid-access',
    cause,
    fix: declared?.valueType
      ? `Read only the fields of ${code(declared.valueType)}, the type ${map} holds.`
      : 'Check that the pointer has the type the map holds, and read only its fields.',
    location: reading.location(line),
  };
}

export function explainStackBounds(reading: Reading, m: RegExpExecArray): Explained {
  const [direction, register, offset, size] = [m[1]!, Number(m[2]), Number(m[3]), Number(m[4])];
  const helper = reading.helper;
  const pattern = helper ? withMap(helperCallPattern(helper), helper, reading) : undefined;
  const line = reading.locate(pattern);
  const args = reading.helperArguments(line);
  const pointerIndex = helper ? writtenArgumentIndex(helper, register) : undefined;
  const pointer = pointerIndex !== undefined ? args?.[pointerIndex] : undefined;
  const sizeRegister = helper === 'bpf_perf_event_output' ? 5 : helper && /^bpf_probe_read/.test(helper) ? 2 : undefined;
  const sizeIndex = helper && sizeRegister ? writtenArgumentIndex(helper, sizeRegister) : undefined;
  const sizeExpression = sizeIndex !== undefined ? args?.[sizeIndex] : undefined;
  const room = -offset;
  const target = pointer?.replace(/^&\s*/, '');
  const bytes = `${size} bytes${sizeExpression ? ` (${code(sizeExpression)})` : ''}`;
  const verb = direction === 'write to' ? 'copy' : helper === 'bpf_perf_event_output' ? 'send' : 'read';
  const where = direction === 'write to' ? 'into' : 'from';
  const label = helper ? helperLabel(helper) : 'a helper';
  const cause =
    `${reading.rejected()}:${onLine(line)} ${label} is asked to ${verb} ${bytes} ${where} ${target ? code(target) : 'a local variable'}, ` +
    `which has room for at most ${room > 0 ? room : 0}.`;
  let fix = 'Pass the size of the variable itself, with `sizeof`.';
  if (target) {
    const variable = /^([A-Za-z_]\w*)$/.exec(target)?.[1];
    const type = variable && line !== undefined ? reading.source?.declaredType(variable, line) : undefined;
    fix = `Pass the size of what you ${helper === 'bpf_perf_event_output' ? 'send' : 'copy into'}: ${code(`sizeof(${type ?? target})`)}.`;
  }
  return { rule: 'invalid-access', cause, fix, location: reading.location(line) };
}

/** perf_submit lines of the output the log names, when it names one: `socket_close_events.perf_submit`. */
function withMap(pattern: RegExp, helper: string, reading: Reading): RegExp {
  if (helper !== 'bpf_perf_event_output') return pattern;
  const output = reading.mapOf(reading.register(2));
  return output ? new RegExp(`\\b${escapeRegExp(output)}\\s*\\.\\s*perf_submit\\b`) : pattern;
}

export function explainContextAccess(reading: Reading, m: RegExpExecArray): Explained {
  const line = reading.locate(/\bctx\b|PT_REGS_/);
  return {
    rule: 'invalid-access',
    cause: `${reading.rejected()}:${onLine(line)} it reads ${m[2]} bytes at offset ${m[1]} of ${code('ctx')}, outside what this kind of hook receives.`,
    fix:
      'Read the syscall\'s arguments from your hook\'s own parameters instead of `PT_REGS_PARM…(ctx)`; on this kernel the hooks run as ' +
      'tracepoints, where only `PT_REGS_RC(ctx)` (the return value) is translated.',
    location: reading.location(line),
  };
}

export function explainInvalidPointer(reading: Reading, m: RegExpExecArray): Explained {
  const line = reading.locate(/->|\[|\*\s*[A-Za-z_(]/);
  return {
    rule: 'invalid-access',
    cause:
      `${reading.rejected()}:${onLine(line)} it reads memory through a pointer the verifier cannot vouch for ` +
      `(to it, R${m[1]} is ${m[2] === 'scalar' ? 'just a number' : `a ${m[2]}`}).`,
    fix:
      'Memory outside your program, such as the server\'s buffers or a pointer kept in a map, must be copied first: ' +
      '`bpf_probe_read(&copy, sizeof(copy), pointer);`, then use the copy.',
    location: reading.location(line),
  };
}
