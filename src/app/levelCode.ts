// The code a level adds: the lines of its finished file (the level's step file) that the
// file it starts from does not have, in hunks. Header comments are not code: the last
// level's file is the track's reference, whose header describes the whole program.
import { readFileSync } from 'node:fs';
import { diffLines } from 'diff';
import { levelOf, levelStartFile, type Track } from '../tracks/tracks.js';

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

/** The text after the file's leading block of `//` comment lines. */
export function withoutHeader(source: string): string {
  return source.replace(/^(\/\/.*\n)+\n?/, '');
}

export function levelAddedCode(track: Track, level: number): string[][] {
  const before = readFileSync(levelStartFile(track, level), 'utf8');
  return addedHunks(withoutHeader(before), withoutHeader(readFileSync(levelOf(track, level).step, 'utf8')));
}
