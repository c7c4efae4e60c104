// The code a level adds: the lines of its finished file (levels/steps/level-N.c) that the
// previous level's file (or clean.c, for level 0) does not have, in hunks.
import { readFileSync } from 'node:fs';
import { diffLines } from 'diff';
import { cleanFile, stepFile } from '../tracks/levels.js';

/** The added hunks, each a list of lines, in file order. */
export function addedHunks(before: string, after: string): string[][] {
  const hunks: string[][] = [];
  for (const part of diffLines(before, after)) {
    if (!part.added) continue;
    const lines = part.value.replace(/\n$/, '').split('\n');
    // Blank lines at the edges of a hunk say nothing.
    while (lines.length && lines[0]!.trim() === '') lines.shift();
    while (lines.length && lines.at(-1)!.trim() === '') lines.pop();
    if (lines.length) hunks.push(lines);
  }
  return hunks;
}

export function levelAddedCode(level: number): string[][] {
  const before = readFileSync(level === 0 ? cleanFile : stepFile(level - 1), 'utf8');
  return addedHunks(before, readFileSync(stepFile(level), 'utf8'));
}
