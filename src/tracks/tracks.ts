// The workshop's tracks, read from levels/<id>/track.json and validated against trackSpec.ts.
// Every path in a track is resolved here, so the rest of the code never joins one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { packageRoot } from '../native/addon.js';
import { WorkshopError } from '../errors/workshopError.js';
import type { AttachMode } from '../kernel/features.js';
import type { HookSpec, Level, MapSpec, PerfOutputSpec, TargetSpec } from './levelSpec.js';
import { trackSchema, type TrackSpec } from './trackSpec.js';

/** The tracks shipped with the package: levels/<id>/track.json, instructions, steps. */
export const packageTracksDir = path.join(packageRoot, 'levels');

/** Where tracks are read from: EBPF_WORKSHOP_TRACKS_DIR when set (tests, a course's own tracks), else the package's. */
export function tracksDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.EBPF_WORKSHOP_TRACKS_DIR ? path.resolve(env.EBPF_WORKSHOP_TRACKS_DIR) : packageTracksDir;
}

/** The track a command uses without --track. */
export const DEFAULT_TRACK = 'http';

/** A track with every file resolved to an absolute path. */
export interface Track extends Omit<TrackSpec, 'levels'> {
  /** The track's directory. */
  dir: string;
  levels: Level[];
}

const manifestName = 'track.json';
const loaded = new Map<string, Track>();

/** The ids of the tracks in `dir`, sorted: every subdirectory with a track.json. */
export function trackIds(dir: string = tracksDir()): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.filter((name) => existsSync(path.join(dir, name, manifestName))).sort();
}

/**
 * The track, validated, its files resolved; cached per directory. An unknown id is a
 * TRACK_UNKNOWN error naming the tracks there are; broken data a TRACK_INVALID error naming the file and field.
 */
export function loadTrack(id: string = DEFAULT_TRACK, dir: string = tracksDir()): Track {
  const trackDir = path.join(dir, id);
  const cached = loaded.get(trackDir);
  if (cached) return cached;
  const file = path.join(trackDir, manifestName);
  if (!/^[a-z][a-z0-9-]*$/.test(id) || !existsSync(file)) {
    const ids = trackIds(dir);
    throw new WorkshopError('TRACK_UNKNOWN', `There is no track ${JSON.stringify(id)}: the tracks are ${ids.join(', ') || '(none)'}.`, { hint: 'pass one of them to --track' });
  }
  // The package's tracks are broken only by a damaged install; a course's own are its author's to fix.
  const invalid = (message: string) =>
    new WorkshopError('TRACK_INVALID', message, {
      subject: file,
      hint: dir === packageTracksDir ? 'reinstall ebpf-workshop' : 'fix the track as docs/tracks.md describes it',
    });
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? `it is not valid JSON (${error.message})` : 'it cannot be read';
    throw invalid(`The track ${file} is broken: ${reason}.`);
  }
  const parsed = trackSchema.safeParse(raw);
  if (!parsed.success) throw invalid(`The track ${file} is invalid:\n${describeIssues(parsed.error.issues)}`);
  if (parsed.data.id !== id) throw invalid(`The track ${file} is invalid:\n  id: must be ${id}, the name of its directory`);

  const resolve = (relative: string) => path.resolve(trackDir, relative);
  const track: Track = {
    ...parsed.data,
    dir: trackDir,
    start: resolve(parsed.data.start),
    reference: resolve(parsed.data.reference),
    levels: parsed.data.levels.map((level) => ({ ...level, instructions: resolve(level.instructions), step: resolve(level.step) })),
  };
  for (const needed of [track.start, track.reference, ...track.levels.flatMap((l) => [l.instructions, l.step])]) {
    if (!existsSync(needed)) throw invalid(`The track ${file} needs ${needed}, which is missing.`);
  }
  loaded.set(trackDir, track);
  return track;
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

/** "0 to 4": the track's level numbers, for messages and help. */
export function levelRange(track: Track): string {
  return `0 to ${track.levels.length - 1}`;
}

/** The level with this id; a LEVEL_OUT_OF_RANGE error naming the track's range for any other number. */
export function levelOf(track: Track, id: number): Level {
  const level = track.levels[id];
  if (!level || level.id !== id) {
    throw new WorkshopError('LEVEL_OUT_OF_RANGE', `There is no level ${id}: the levels are ${levelRange(track)}.`, { hint: `the ${track.id} track has ${track.levels.length} levels` });
  }
  return level;
}

function upTo<T extends { name: string }>(track: Track, id: number, pick: (level: Level) => T[]): T[] {
  levelOf(track, id);
  const byName = new Map<string, T>();
  for (const level of track.levels.slice(0, id + 1)) {
    for (const entry of pick(level)) if (!byName.has(entry.name)) byName.set(entry.name, entry);
  }
  return [...byName.values()];
}

/** Every hook a program at level `id` has: the union of the hooks of levels 0..id, each once. */
export function hooksUpTo(track: Track, id: number): HookSpec[] {
  return upTo(track, id, (level) => level.spec.hooks);
}

/** Every map a program at level `id` has (hash maps and perf event arrays). */
export function mapsUpTo(track: Track, id: number): MapSpec[] {
  return upTo(track, id, (level) => level.spec.maps);
}

/** Every perf output a program at level `id` submits to. */
export function perfOutputsUpTo(track: Track, id: number): PerfOutputSpec[] {
  return upTo(track, id, (level) => level.spec.perfOutputs);
}

/** The target a level runs against: its own, or the track's. */
export function targetOf(track: Track, id: number): TargetSpec {
  return levelOf(track, id).target ?? track.target;
}

/** The file a level starts from: the previous level's finished file, or the track's start. */
export function levelStartFile(track: Track, id: number): string {
  return id === 0 ? track.start : levelOf(track, id - 1).step;
}

/** The level's instructions, Markdown. */
export function instructionsText(level: Level): string {
  return readFileSync(level.instructions, 'utf8');
}

/** Names the track teaches: its hooks, maps and the names listed in the data. "Did you mean" suggests from them. */
export function contractNames(track: Track): string[] {
  const names = new Set<string>(track.names);
  for (const level of track.levels) {
    for (const h of level.spec.hooks) names.add(h.name);
    for (const m of level.spec.maps) names.add(m.name);
  }
  return [...names];
}

/**
 * How the hooks of levels 0..`level` attach, as the header and the reports say it: "uprobes on
 * libssl" when every hook is a uprobe (the attach mode only decides how syscall hooks attach),
 * "tracepoint mode" or "kprobe mode" when there are syscall hooks, with the uprobes' libraries
 * added when there are both.
 */
export function attachDescription(levels: readonly Level[], level: number, mode: AttachMode): string {
  const hooks = levels.slice(0, level + 1).flatMap((l) => l.spec.hooks);
  const libraries = [...new Set(hooks.flatMap((h) => (h.kind === 'uprobe' ? [`lib${h.library}`] : [])))];
  const uprobes = libraries.length > 0 ? `uprobes on ${libraries.join(', ')}` : '';
  const syscalls = hooks.some((h) => h.kind !== 'uprobe') || !uprobes ? `${mode} mode` : '';
  return [syscalls, uprobes].filter(Boolean).join(' + ');
}
