// Clang's errors, as learners of this workshop meet them, reworded: what is wrong in their
// terms, and the fix. The location stays with the diagnostic (the caller shows it); the
// message names other lines when the fix is elsewhere ("declared only on line 133, below").
//
// Most first-week C mistakes here are order mistakes — C reads top to bottom, so a map, struct
// or helper used above its definition is "undeclared" or "incomplete" — and misspellings,
// which "did you mean" answers from the learner's own declarations and the tutorial's names.
import type { Diagnostic } from '../engine/diagnostics.js';
import type { ErrorCode } from '../errors/codes.js';
import { BPF_HELPER_NAMES } from './bpfHelpers.js';
import { didYouMean } from './didYouMean.js';
import { explainHiddenMap, MEMBER_OF_NON_STRUCT } from './hiddenMap.js';
import { CSource } from '../c/cSource.js';
import { terminalSafe } from '../util/terminalText.js';
import { learnerFunctionName } from './programNames.js';
import { code } from './verifierReading.js';
import { explainStackLimit } from './stackLimit.js';

export interface CompileErrorContext {
  /** The learner's file, as compiled. */
  source: string;
  /** Names the tutorial uses (workshop/contract.ts contractNames()): more candidates for "did you mean". */
  knownNames?: string[];
}

export interface ExplainedCompileError {
  /** The kind of mistake (docs/errors.md): COMPILE_UNDECLARED, COMPILE_DECLARED_BELOW, STACK_LIMIT… */
  code: ErrorCode;
  message: string;
  hint: string;
  /** The line to show when the cause is not where clang points (the stack limit: at DATA_LEN). */
  line?: number;
}

/** Types a BCC program can name without declaring them. */
const KNOWN_TYPES = [
  'uint64_t', 'uint32_t', 'uint16_t', 'uint8_t', 'int64_t', 'int32_t', 'int16_t', 'int8_t',
  'u64', 'u32', 'u16', 'u8', 's64', 's32', 's16', 's8', '__u64', '__u32', '__u16', '__u8',
  'size_t', 'ssize_t', 'bool', 'pid_t', 'uintptr_t',
];

interface Explainer {
  pattern: RegExp;
  explain: (m: RegExpExecArray, d: Diagnostic, source: CSource, known: string[]) => ExplainedCompileError;
}

const EXPLAINERS: Explainer[] = [
  { pattern: /use of undeclared identifier '(\w+)'(?:; did you mean '(\w+)'\?)?/, explain: explainUndeclared },
  { pattern: /(?:implicit declaration of function|call to undeclared function) '(\w+)'/, explain: explainImplicitFunction },
  { pattern: /(?:static declaration of '(\w+)' follows non-static declaration|conflicting types for '(\w+)')/, explain: explainLateDefinition },
  { pattern: /incomplete[^']*'(struct|union|enum) (\w+)'/, explain: explainIncompleteType },
  { pattern: /expected ';'/, explain: explainMissingSemicolon },
  { pattern: /unknown type name '(\w+)'/, explain: explainUnknownType },
  { pattern: /must use '(struct|union|enum)' tag to refer to type '(\w+)'/, explain: explainMissingTag },
  { pattern: /no member named '(\w+)' in '(struct|union) (\w+)'(?:; did you mean '(\w+)'\?)?/, explain: explainNoMember },
  { pattern: /BPF stack limit of \d+ bytes is exceeded/, explain: explainStack },
  { pattern: /non-void function does not return a value/, explain: explainNoReturn },
  { pattern: MEMBER_OF_NON_STRUCT, explain: (m, d, source) => explainHiddenMap(d, source) ?? explainOther(d) },
];

export function explainCompileError(d: Diagnostic, ctx: CompileErrorContext): ExplainedCompileError {
  const source = new CSource(ctx.source);
  const known = ctx.knownNames ?? [];
  for (const { pattern, explain } of EXPLAINERS) {
    const m = pattern.exec(d.message);
    if (m) return explain(m, d, source, known);
  }
  return explainOther(d);
}

/** A compile error the workshop has no words of its own for, passed on in a sentence. */
function explainOther(d: Diagnostic): ExplainedCompileError {
  return {
    code: 'COMPILE_FAILED',
    message: terminalSafe(sentence(d.message.replace(/\s*\[-W[\w-]+\]$/, ''))),
    hint: 'The raw compiler output shows the line with a caret under the spot it means.',
  };
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.?!]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * Candidates for "did you mean": the locals and parameters of the function at `line` first
 * (`bfu` for `buf`), then the learner's declarations, then the tutorial's names.
 */
function candidates(source: CSource, line: number, known: string[], extra: string[] = []): string[] {
  return [...new Set([...source.localNames(line), ...source.declarations().keys(), ...extra, ...known])];
}

function explainUndeclared(m: RegExpExecArray, d: Diagnostic, source: CSource, known: string[]): ExplainedCompileError {
  const name = m[1]!;
  const declaredAt = source.declarations().get(name);
  if (declaredAt !== undefined && declaredAt > d.line) {
    return {
      code: 'COMPILE_DECLARED_BELOW',
      message: `${code(name)} is used here, but declared only on line ${declaredAt}, further down.`,
      hint: `C reads top to bottom: move the declaration of ${code(name)} (line ${declaredAt}) above line ${d.line}.`,
    };
  }
  const suggestion = m[2] ?? didYouMean(name, candidates(source, d.line, known));
  // A tutorial name spelt right is missing, not misspelt: offering another of the tutorial's
  // names (clang suggests socket_open_events for an undeclared socket_data_events) would send
  // the learner the wrong way. Only a near name of their own making is a misspelling.
  if (known.includes(name) && (!suggestion || known.includes(suggestion))) return missingDeclaration(name, d, source);
  if (suggestion) {
    const declared = source.declarations().has(suggestion) || source.localNames(d.line).includes(suggestion);
    return {
      code: 'COMPILE_UNDECLARED',
      message: `${code(name)} is not declared anywhere above this line.`,
      hint: declared
        ? `Did you mean ${code(suggestion)}?`
        : `Did you mean ${code(suggestion)}? It is not declared in your file yet either: declare it above its first use.`,
    };
  }
  return {
    code: 'COMPILE_UNDECLARED',
    message: `${code(name)} is not declared anywhere above this line.`,
    hint: 'Declare it above the code that uses it, or check its spelling.',
  };
}

/** One of the tutorial's names, used but never declared: say how to declare it, from how it is used. */
function missingDeclaration(name: string, d: Diagnostic, source: CSource): ExplainedCompileError {
  const use = source.methodsCalledOn(name)[0];
  const declaration = use === 'perf_submit' ? `BPF_PERF_OUTPUT(${name});` : use && ['lookup', 'update', 'delete'].includes(use) ? `BPF_HASH(${name}, …);` : undefined;
  const user = source.functionAt(d.line);
  const where = user ? `above ${code(user.name)}` : `above line ${d.line}`;
  return {
    code: 'COMPILE_UNDECLARED',
    message: `${code(name)} is not declared yet.`,
    hint: declaration
      ? `Declare ${code(name)} above the code that uses it: ${code(declaration)} ${where}.`
      : `Declare ${code(name)} above the code that uses it; the level's instructions show its declaration.`,
  };
}

function explainImplicitFunction(m: RegExpExecArray, d: Diagnostic, source: CSource, known: string[]): ExplainedCompileError {
  const name = m[1]!;
  const definition = source.function(name);
  if (definition && definition.line > d.line) return lateDefinition(name, d.line, definition.line, source);
  const suggestion = didYouMean(name, candidates(source, d.line, known, BPF_HELPER_NAMES));
  return {
    code: 'UNKNOWN_FUNCTION',
    message: `${code(name)} is neither a function defined above this line nor a BPF helper BCC knows.`,
    hint: suggestion ? `Did you mean ${code(suggestion)}?` : `Define ${code(name)} above its first use, or check its spelling.`,
  };
}

/** The compiler's complaint at a definition that comes after a call already guessed its type. */
function explainLateDefinition(m: RegExpExecArray, d: Diagnostic, source: CSource): ExplainedCompileError {
  const name = (m[1] ?? m[2])!;
  const used = source.firstUse(name);
  const definedAt = source.function(name)?.line ?? d.line;
  if (used !== undefined && used < definedAt) return lateDefinition(name, used, definedAt, source);
  return {
    code: 'COMPILE_CONFLICTING_TYPES',
    message: `${code(name)} is declared twice, in two different ways.`,
    hint: `Keep one definition of ${code(name)}, above its first use.`,
  };
}

function lateDefinition(name: string, usedAt: number, definedAt: number, source: CSource): ExplainedCompileError {
  const caller = source.functionAt(usedAt);
  const above = caller && caller.name !== name ? ` above ${code(caller.name)}` : ` above line ${usedAt}`;
  return {
    code: 'COMPILE_DECLARED_BELOW',
    message: `${code(name)} is called on line ${usedAt}, before its definition on line ${definedAt}.`,
    hint: `C reads top to bottom: move the definition of ${code(name)}${above}.`,
  };
}

function explainIncompleteType(m: RegExpExecArray, d: Diagnostic, source: CSource, known: string[]): ExplainedCompileError {
  const [kind, name] = [m[1]!, m[2]!];
  const type = `${kind} ${name}`;
  const definition = source.aggregate(kind, name);
  if (definition && definition.line > d.line) {
    return {
      code: 'COMPILE_DECLARED_BELOW',
      message: `${code(type)} is used here, but defined only on line ${definition.line}, further down.`,
      hint: `C needs a type's definition before its first use: move ${code(type)} (line ${definition.line}) above line ${d.line}.`,
    };
  }
  const defined = source.aggregates().filter((a) => a.kind === kind).map((a) => a.name);
  const suggestion = didYouMean(name, [...defined, ...known]);
  if (suggestion) {
    return {
      code: 'COMPILE_INCOMPLETE_TYPE',
      message: `${code(type)} is not defined anywhere in your file.`,
      hint: `Did you mean ${code(`${kind} ${suggestion}`)}?`,
    };
  }
  return {
    code: 'COMPILE_INCOMPLETE_TYPE',
    message: `${code(type)} is not defined anywhere in your file.`,
    hint: `Define ${code(type)} above line ${d.line}; the level's instructions show its fields.`,
  };
}

function explainMissingSemicolon(m: RegExpExecArray, d: Diagnostic, source: CSource): ExplainedCompileError {
  // Clang points just past the last token of the statement that lacks its `;`.
  const before = (source.line(d.line) ?? '').slice(0, Math.max(0, d.column - 1)).trim();
  if (/expected ';' after (struct|union|enum)/.test(d.message) || /^}/.test(before)) {
    return {
      code: 'COMPILE_MISSING_SEMICOLON',
      message: 'A `;` is missing after the closing `}` of a struct.',
      hint: 'In C a struct definition ends with `};`.',
    };
  }
  const tail = before.length > 40 ? `…${before.slice(-40)}` : before;
  return {
    code: 'COMPILE_MISSING_SEMICOLON',
    message: 'A `;` is missing at the end of a statement.',
    hint: tail ? `Add ${code(';')} after ${code(tail)} on line ${d.line}.` : `Add ${code(';')} at the end of the statement on line ${d.line}.`,
  };
}

function explainUnknownType(m: RegExpExecArray, d: Diagnostic, source: CSource, known: string[]): ExplainedCompileError {
  const name = m[1]!;
  if (name === 'socklen_t') {
    return {
      code: 'COMPILE_UNKNOWN_TYPE',
      message: '`socklen_t` is unknown here: it comes from a user-space header that BCC programs cannot include.',
      hint: 'Use `size_t` in its place, as the workshop does: `size_t* addrlen`. The hook never reads it, so the exact type does not matter.',
    };
  }
  const aggregate = source.aggregates().find((a) => a.name === name);
  if (aggregate) {
    return {
      code: 'COMPILE_MISSING_TAG',
      message: `${code(name)} is a ${aggregate.kind}, and C needs the word ${code(aggregate.kind)} before its name.`,
      hint: `Write ${code(`${aggregate.kind} ${name}`)}.`,
    };
  }
  const typedefs = [...source.declarations().keys()].filter((n) => /_t$/.test(n));
  const suggestion = didYouMean(name, [...KNOWN_TYPES, ...typedefs, ...known]);
  if (suggestion && known.includes(suggestion) && !KNOWN_TYPES.includes(suggestion)) {
    return {
      code: 'COMPILE_UNKNOWN_TYPE',
      message: `${code(name)} is not a type the compiler knows here.`,
      hint: `Did you mean ${code(`struct ${suggestion}`)}? Struct names need the word ${code('struct')} in front.`,
    };
  }
  return {
    code: 'COMPILE_UNKNOWN_TYPE',
    message: `${code(name)} is not a type the compiler knows here.`,
    hint: suggestion
      ? `Did you mean ${code(suggestion)}?`
      : 'Declare it above its first use, or use a type BCC programs know: u64, u32, uint64_t, int32_t, size_t…',
  };
}

function explainMissingTag(m: RegExpExecArray): ExplainedCompileError {
  const [kind, name] = [m[1]!, m[2]!];
  return {
    code: 'COMPILE_MISSING_TAG',
    message: `${code(name)} is a ${kind}, and C needs the word ${code(kind)} before its name.`,
    hint: `Write ${code(`${kind} ${name}`)}.`,
  };
}

function explainNoMember(m: RegExpExecArray, d: Diagnostic, source: CSource): ExplainedCompileError {
  const [field, kind, type] = [m[1]!, m[2] as 'struct' | 'union', m[3]!];
  const fields = source.fields(kind, type);
  const suggestion = m[4] ?? didYouMean(field, fields);
  return {
    code: 'COMPILE_NO_MEMBER',
    message: `${code(`${kind} ${type}`)} has no field ${code(field)}.`,
    hint: suggestion
      ? `Did you mean ${code(suggestion)}?`
      : fields.length
        ? `Its fields are ${fields.map(code).join(', ')}.`
        : `Check the definition of ${code(`${kind} ${type}`)}.`,
  };
}

function explainStack(m: RegExpExecArray, d: Diagnostic, source: CSource): ExplainedCompileError {
  const fn = /in function ([\w.$]+)/.exec(d.message)?.[1];
  const { cause, fix, line } = explainStackLimit(fn ? learnerFunctionName(fn) : undefined, source);
  return line === undefined ? { code: 'STACK_LIMIT', message: cause, hint: fix } : { code: 'STACK_LIMIT', message: cause, hint: fix, line };
}

function explainNoReturn(m: RegExpExecArray, d: Diagnostic, source: CSource): ExplainedCompileError {
  const fn = source.functionAt(d.line);
  return {
    code: 'NO_RETURN',
    message: `${fn ? code(fn.name) : 'This function'} can reach its end without returning a value.`,
    hint: 'End it with `return 0;`: a hook must return a value, or the verifier refuses it.',
  };
}
