// The workshop's levels, read from levels/levels.json and validated against levelSpec.ts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { packageRoot } from '../native/addon.js';
import { manifestSchema, type HookSpec, type Level, type MapSpec, type PerfOutputSpec } from './levelSpec.js';

/** Where the levels live in the package: levels.json, <n>-<slug>.md, steps/level-<n>.c. */
export const levelsDir = path.join(packageRoot, 'levels');

/** The learner's starting file, copied into their directory. */
export const cleanFile = path.join(packageRoot, 'clean.c');

/** The complete program, every level done. */
export const solutionFile = path.join(packageRoot, 'solution.c');

const manifestName = 'levels.json';
const loaded = new Map<string, Level[]>();

/**
 * The levels in order (index = id), validated. Each level's `instructions` is resolved to
 * an absolute path. Throws an Error naming the file and the field when the data is wrong.
 */
export function loadLevels(dir: string = levelsDir): Level[] {
  const cached = loaded.get(dir);
  if (cached) return cached;

  const file = path.join(dir, manifestName);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? `it is not valid JSON (${error.message})` : 'it cannot be read';
    throw new Error(`The level manifest ${file} is broken: ${reason}. Reinstall ebpf-workshop.`);
  }

  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`The level manifest ${file} is invalid:\n${describeIssues(parsed.error.issues)}`);
  }

  const levels = parsed.data.levels.map((level) => ({ ...level, instructions: path.join(dir, level.instructions) }));
  for (const level of levels) {
    for (const needed of [level.instructions, stepFile(level.id, dir)]) {
      if (!existsSync(needed)) {
        throw new Error(`Level ${level.id} of ${file} needs ${needed}, which is missing. Reinstall ebpf-workshop.`);
      }
    }
  }
  loaded.set(dir, levels);
  return levels;
}

function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues.map((issue) => `  ${formatPath(issue.path)}: ${issue.message}`).join('\n');
}

function formatPath(parts: PropertyKey[]): string {
  if (parts.length === 0) return '(top level)';
  return parts
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

/** The level with this id; throws a clear Error for an unknown one. */
export function levelById(id: number, levels: Level[] = loadLevels()): Level {
  const level = levels[id];
  if (!level || level.id !== id) {
    throw new Error(`There is no level ${id}: the levels are 0 to ${levels.length - 1}.`);
  }
  return level;
}

function upTo<T extends { name: string }>(id: number, levels: Level[], pick: (level: Level) => T[]): T[] {
  levelById(id, levels);
  const byName = new Map<string, T>();
  for (const level of levels.slice(0, id + 1)) {
    for (const entry of pick(level)) if (!byName.has(entry.name)) byName.set(entry.name, entry);
  }
  return [...byName.values()];
}

/** Every hook a program at level `id` has: the union of the hooks of levels 0..id, each once. */
export function hooksUpTo(id: number, levels: Level[] = loadLevels()): HookSpec[] {
  return upTo(id, levels, (level) => level.spec.hooks);
}

/** Every map a program at level `id` has (hash maps and perf event arrays). */
export function mapsUpTo(id: number, levels: Level[] = loadLevels()): MapSpec[] {
  return upTo(id, levels, (level) => level.spec.maps);
}

/** Every perf output a program at level `id` submits to. */
export function perfOutputsUpTo(id: number, levels: Level[] = loadLevels()): PerfOutputSpec[] {
  return upTo(id, levels, (level) => level.spec.perfOutputs);
}

/** The learner's file as it stands once the steps of level `id` are done. */
export function stepFile(id: number, dir: string = levelsDir): string {
  return path.join(dir, 'steps', `level-${id}.c`);
}

/** The level's instructions, Markdown. */
export function instructionsText(level: Level): string {
  return readFileSync(level.instructions, 'utf8');
}
