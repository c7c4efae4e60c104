// What can be checked without attaching anything: the file is C text, it compiles for this
// kernel, it has the level's hooks, maps and perf outputs with the right shapes, and the
// verifier accepts every hook. Each check names the learner's line where one applies.
import { findHookDefinitions } from '../hooks/hookNames.js';
import { readSyscallFormat } from '../hooks/tracepointFormat.js';
import { isError } from '../engine/diagnostics.js';
import { isWorkshopError } from '../errors/workshopError.js';
import { syscallKernelFunction, type AttachMode } from '../kernel/features.js';
import { isLayoutProbe } from '../capture/layoutProbes.js';
import type { Sniffer } from '../sniffer/sniffer.js';
import { BuiltProgram } from '../pipeline/program.js';
import { didYouMean, explainCompileError, findTlsMistakes, summarizeVerifierLog } from '../diagnose/index.js';
import { CSource } from '../c/cSource.js';
import { fail, pass, skip, type CheckResult } from '../report/checkReport.js';
import { attachDescription, contractNames, hooksUpTo, mapsUpTo, perfOutputsUpTo, type Track } from '../tracks/tracks.js';

export interface StaticInput {
  /** The file as the learner named it (used in messages and locations). */
  file: string;
  text: string;
  track: Track;
  level: number;
  attachMode: AttachMode;
}

export interface StaticOutcome {
  checks: CheckResult[];
  /** The compiled program, hooks loaded, when everything passed; the caller closes it. */
  program: BuiltProgram | null;
}

/** Is this a C source file at all (not a binary, not another encoding)? */
export function checkText(file: string, bytes: Buffer): CheckResult {
  const title = `${file} is C source text`;
  if (bytes.subarray(0, 4).toString('latin1') === '\x7fELF' || bytes.includes(0)) {
    return fail('file', title, `${file} is a binary file, not C source`, { code: 'FILE_NOT_TEXT', hint: 'give the .c file you edit, e.g. clean.c' });
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('file', title, `${file} is not UTF-8 text`, { code: 'FILE_NOT_TEXT', hint: 'save it as plain UTF-8 text in your editor' });
  }
  if (bytes.length === 0) return fail('file', title, `${file} is empty`, { code: 'FILE_EMPTY', hint: 'start from the workshop\'s clean.c' });
  return pass('file', title, `${bytes.length} bytes of text`);
}

function syscallExists(syscall: string, mode: AttachMode): boolean {
  return mode === 'tracepoint' ? readSyscallFormat(syscall, 'enter') !== null : syscallKernelFunction(syscall) !== null;
}

export async function staticChecks(input: StaticInput): Promise<StaticOutcome> {
  const { file, text, track, level, attachMode } = input;
  const checks: CheckResult[] = [];
  const expectedHooks = hooksUpTo(track, level);
  const expectedMaps = mapsUpTo(track, level);
  const expectedOutputs = perfOutputsUpTo(track, level);
  const skipRest = (why: string, reported = new Set<string>()) => {
    for (const h of expectedHooks) if (!reported.has(h.name)) checks.push(skip(`hook:${h.name}`, `hook ${h.name}`, why));
    for (const m of expectedMaps) checks.push(skip(`map:${m.name}`, `map ${m.name}`, why));
    for (const o of expectedOutputs) checks.push(skip(`output:${o.name}`, `perf output ${o.name}`, why));
    for (const h of expectedHooks) checks.push(skip(`verifier:${h.name}`, `the verifier accepts ${h.name}`, why));
  };

  // A hook named after a syscall that does not exist cannot be attached, nor rewritten.
  const definitions = findHookDefinitions(text);
  const unknown = definitions.filter((d) => !syscallExists(d.syscall, attachMode));
  for (const d of unknown) {
    const guess = didYouMean(d.name, expectedHooks.map((h) => h.name));
    checks.push(
      fail(`hook-name:${d.name}`, `hook ${d.name} names a real syscall`, `${d.name} hooks \`${d.syscall}\`, which is not a system call of this kernel`, {
        code: 'HOOK_NOT_A_SYSCALL',
        hint: guess ? `did you mean ${guess}?` : 'hook names are syscall__probe_entry_<syscall> and syscall__probe_ret_<syscall>',
        location: { file, line: d.nameLine, column: null },
      }),
    );
  }
  // A hook name to fix comes before everything else: the rest is not tried.
  const stopAtHookNames = (reported?: Set<string>): StaticOutcome => {
    checks.push(skip('compile', `${file} compiles`, 'not tried: fix the hook names first'));
    skipRest('not checked: fix the hook names first', reported);
    return { checks, program: null };
  };
  if (unknown.length > 0) return stopAtHookNames();

  // A hook of a real syscall one slip away from a hook of this level that is missing
  // (syscall__probe_entry_accept for …_accept4) is that hook misspelt: the name comes first,
  // before anything the compile would say about its parameters.
  const misspelt = misspeltHooks(definitions.map((d) => d.name), expectedHooks.map((h) => h.name));
  for (const [meant, written] of misspelt) {
    checks.push(misspeltHook(file, meant, written, definitions.find((d) => d.name === written)!.nameLine));
  }
  if (misspelt.size > 0) return stopAtHookNames(new Set(misspelt.keys()));

  let built: BuiltProgram;
  let sniffer: Sniffer;
  try {
    built = await BuiltProgram.build({ source: { text, fileName: file }, track, level, attachMode });
    sniffer = built.sniffer;
    const warnings = sniffer.program.warnings.filter((d) => d.severity === 'warning' && d.file === file).length;
    checks.push(pass('compile', `${file} compiles`, `compiled for ${attachDescription(track.levels, level, attachMode)}${warnings ? ` (${warnings} warnings)` : ''}`));
  } catch (e) {
    checks.push(compileFailure(e, file, text, contractNames(track)));
    skipRest('not checked: the file does not compile');
    return { checks, program: null };
  }

  let ok = true;
  const source = new CSource(text);
  const fnNames = [...sniffer.hooks.map((h) => h.name), ...sniffer.program.functionNames().filter((n) => !n.startsWith('tracepoint__'))];
  for (const hook of expectedHooks) {
    const found = sniffer.hook(hook.name);
    if (found) {
      checks.push(pass(`hook:${hook.name}`, `hook ${hook.name}`, `defined at line ${found.line}`));
      continue;
    }
    ok = false;
    const guess = didYouMean(hook.name, fnNames);
    // A rename that is not hook-shaped (syscall__probe_return_accept4) is still a function of theirs.
    const guessLine = guess ? (definitions.find((d) => d.name === guess)?.nameLine ?? source.function(guess)?.line) : undefined;
    checks.push(
      guess
        ? misspeltHook(file, hook.name, guess, guessLine)
        : fail(`hook:${hook.name}`, `hook ${hook.name}`, `${file} has no function ${hook.name}`, { code: 'HOOK_MISSING', hint: `add ${hook.name}: see the level's instructions` }),
    );
  }

  const tables = sniffer.program.tables().filter((t) => !isLayoutProbe(t.name));
  for (const map of expectedMaps) {
    const table = tables.find((t) => t.name === map.name);
    const title = `map ${map.name}`;
    if (!table) {
      ok = false;
      const guess = didYouMean(map.name, tables.map((t) => t.name));
      const guessLine = guess ? source.maps().find((m) => m.name === guess)?.line : undefined;
      const declare = map.kind === 'perf_event_array' ? `BPF_PERF_OUTPUT(${map.name});` : `BPF_HASH(${map.name}, …);`;
      checks.push(
        fail(`map:${map.name}`, title, `${file} has no map named ${map.name}`, {
          code: 'MAP_MISSING',
          hint: guess ? `did you mean ${map.name} where you wrote ${guess}?` : `declare it: ${declare}`,
          location: guessLine ? { file, line: guessLine, column: null } : null,
        }),
      );
      continue;
    }
    const problems: string[] = [];
    if (table.kind !== map.kind) problems.push(`it is a ${table.kind}, the tutorial's is a ${map.kind}`);
    if (map.keySize !== undefined && table.keySize !== map.keySize) problems.push(`its keys are ${table.keySize} bytes, not ${map.keySize}`);
    if (map.valueSize !== undefined && table.leafSize !== map.valueSize) problems.push(`its values are ${table.leafSize} bytes, not ${map.valueSize}`);
    if (problems.length) {
      ok = false;
      checks.push(fail(`map:${map.name}`, title, `${map.name} has the wrong shape: ${problems.join('; ')}`, { code: 'MAP_SHAPE', hint: 'compare its BPF_ declaration and its key and value types with the instructions' }));
    } else {
      checks.push(pass(`map:${map.name}`, title, `${table.kind}${map.keySize !== undefined ? `, ${table.keySize}-byte keys, ${table.leafSize}-byte values` : ''}`));
    }
  }

  for (const output of expectedOutputs) {
    const title = `perf output ${output.name}`;
    if (!tables.some((t) => t.name === output.name)) {
      checks.push(skip(`output:${output.name}`, title, `not checked: ${output.name} is missing`));
      continue;
    }
    const fields = sniffer.program.perfOutputFields(output.name).map((f) => f.name);
    if (fields.length === 0) {
      ok = false;
      const declared = source.maps().find((m) => m.name === output.name)?.line;
      checks.push(
        fail(`output:${output.name}`, title, `nothing is ever submitted to ${output.name}`, {
          code: 'OUTPUT_NEVER_SUBMITTED',
          hint: `send your event with ${output.name}.perf_submit(ctx, &event, sizeof(struct ${output.struct}));`,
          location: declared ? { file, line: declared, column: null } : null,
        }),
      );
      continue;
    }
    const missing = output.requiredFields.filter((f) => !fields.includes(f));
    if (missing.length) {
      ok = false;
      const structLine = source.aggregate('struct', output.struct)?.line;
      checks.push(
        fail(`output:${output.name}`, title, `the struct submitted to ${output.name} has no ${missing.map((m) => `\`${m}\``).join(', ')} field${missing.length > 1 ? 's' : ''}`, {
          code: 'OUTPUT_FIELD_MISSING',
          hint: `struct ${output.struct} needs: ${output.requiredFields.join(', ')}`,
          location: structLine ? { file, line: structLine, column: null } : null,
        }),
      );
    } else checks.push(pass(`output:${output.name}`, title, `submits ${fields.join(', ')}`));
  }

  // Hooks that load, yet read a library function's arguments at the wrong moment or place (the TLS track's uprobes).
  for (const mistake of findTlsMistakes(source, expectedHooks)) {
    ok = false;
    const location = { file, line: mistake.line, column: null };
    checks.push(fail(`mistake:${mistake.hook}`, `${mistake.hook} reads its arguments where they are`, mistake.message, { code: mistake.code, hint: mistake.hint, location }));
  }

  const mapNames = tables.map((t) => t.name);
  for (const hook of expectedHooks) {
    const title = `the verifier accepts ${hook.name}`;
    if (!sniffer.hook(hook.name)) {
      checks.push(skip(`verifier:${hook.name}`, title, 'not checked: the hook is missing'));
      continue;
    }
    try {
      sniffer.programFd(hook.name);
      checks.push(pass(`verifier:${hook.name}`, title, 'loaded into the kernel'));
    } catch (e) {
      if (!isWorkshopError(e, 'VERIFIER_REJECTED')) throw e;
      ok = false;
      const summary = summarizeVerifierLog(e.raw ?? '', {
        functionName: hook.name,
        learnerFile: file,
        mapNames,
        source: text,
        warnings: sniffer.program.warnings,
      });
      checks.push(
        fail(`verifier:${hook.name}`, title, summary.cause, {
          code: summary.code,
          hint: summary.fix,
          location: summary.location ? { file: summary.location.file, line: summary.location.line, column: null } : null,
          raw: e.raw,
        }),
      );
    }
  }

  if (!ok) {
    built.close();
    return { checks, program: null };
  }
  return { checks, program: built };
}

/** A hook of the level written under another name (at `line` of the file, when known). */
function misspeltHook(file: string, meant: string, written: string, line: number | undefined): CheckResult {
  return fail(`hook:${meant}`, `hook ${meant}`, `${file} has no function ${meant}`, {
    code: 'HOOK_MISSPELT',
    hint: `did you mean ${meant} where you wrote ${written}? BCC finds hooks by their exact names`,
    location: line ? { file, line, column: null } : null,
  });
}

/** Expected hook → the name written for it, for each missing hook of the level one slip away from a defined one. */
function misspeltHooks(defined: string[], expected: string[]): Map<string, string> {
  const missing = expected.filter((name) => !defined.includes(name));
  const found = new Map<string, string>();
  for (const name of defined) {
    if (expected.includes(name)) continue;
    const meant = didYouMean(name, missing);
    if (meant && !found.has(meant)) found.set(meant, name);
  }
  return found;
}

function compileFailure(error: unknown, file: string, text: string, knownNames: string[]): CheckResult {
  const title = `${file} compiles`;
  if (isWorkshopError(error) && error.subject !== null && error.code.startsWith('HOOK_')) {
    // The tracepoint adapter's refusal of a hook: the sentence names it, the location is its line.
    return fail('compile', title, error.message, { code: error.code, location: { file, line: error.location?.line ?? 1, column: null }, ...(error.hint ? { hint: error.hint } : {}) });
  }
  if (!isWorkshopError(error, 'COMPILE_FAILED', 'COMPILER_CRASHED')) throw error;
  const first = error.diagnostics.find((d) => isError(d) && d.file === file) ?? error.diagnostics.find(isError);
  if (!first) {
    const crashed = error.code === 'COMPILER_CRASHED';
    return fail('compile', title, crashed ? 'the compiler crashed on this file' : error.detail ?? error.message, {
      code: error.code,
      raw: error.raw,
      hint: 'run with --verbose to see the compiler\'s output',
    });
  }
  const explained = explainCompileError(first, { source: text, knownNames });
  const located = first.file === file;
  return fail('compile', title, explained.message, {
    code: explained.code,
    hint: explained.hint,
    location: explained.line !== undefined ? { file, line: explained.line, column: null } : located ? { file, line: first.line, column: first.column } : null,
    raw: error.raw,
  });
}
