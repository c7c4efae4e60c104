// Every key of the workshop in one table: what it is called on screen, what the help says,
// which presses it answers to, and what it does. The key bar, the help overlay, the plain
// mode's commands and the full screen's input handler all read this table.
import type { WorkshopControls } from './controls.js';

/** Ink's names for the keys that are not characters. */
export type NamedKey = 'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'pageUp' | 'pageDown' | 'return' | 'escape' | 'tab';

/** A key press as Ink reports it (only what the table matches on). */
export type KeyState = Partial<Record<NamedKey | 'ctrl', boolean>>;

export type KeyId =
  | 'next'
  | 'request'
  | 'auto'
  | 'size'
  | 'level'
  | 'levelNumber'
  | 'select'
  | 'open'
  | 'focus'
  | 'scroll'
  | 'hint'
  | 'solution'
  | 'reset'
  | 'startOver'
  | 'help'
  | 'back'
  | 'quit';

/** Where a key works: the main screen, or a full-screen reading view (solution, help, bytes). */
export type KeyView = 'main' | 'reading';

export interface KeyContext {
  session: WorkshopControls;
  /** The level on screen. */
  level: number;
  input: string;
}

export interface KeyBinding {
  id: KeyId;
  /** The key as written on screen: `r`, `←/→`. */
  key: string;
  /** The key bar's label, and a shorter one for narrow terminals. */
  label: string;
  short?: string;
  /** The help overlay's sentence. */
  help: string;
  /** Characters (`r`), Ink's key names (`leftArrow`) or `ctrl+c`. */
  presses: string[];
  views: KeyView[];
  /** On the key bar: the higher, the longer it stays when the bar is narrow. Absent: help only. */
  bar?: number;
  /** The lines that do the same in plain mode, if it has them. */
  plain?: string[];
  /** Asked before acting (y does it, any other key does not). */
  confirm?: (what: { level: number; file: string }) => string;
  /** What it asks of the session; keys that only change the view have none. */
  run?: (context: KeyContext) => unknown;
}

/** The workshop's keys for a track of `levelCount` levels. */
export function keyTable(levelCount: number): KeyBinding[] {
  const last = levelCount - 1;
  const numbers = Array.from({ length: levelCount }, (_, i) => String(i));
  // A key press is one digit; a line typed in plain mode may be any level's number.
  const digits = numbers.filter((n) => n.length === 1);
  return [
    { id: 'next', key: 'n', label: 'next level', short: 'next', help: 'the next level', presses: ['n'], views: ['main'], bar: 100, plain: ['n'], run: ({ session }) => session.nextLevel() },
    { id: 'request', key: 'r', label: 'request', short: 'req', help: 'send one request to the demo server', presses: ['r'], views: ['main'], bar: 90, plain: ['r'], run: ({ session }) => void session.traffic.sendOne() },
    { id: 'auto', key: 'a', label: 'auto', help: 'automatic traffic on/off (a request every 2 s)', presses: ['a'], views: ['main'], bar: 40, plain: ['a'], run: ({ session }) => session.traffic.toggleAuto() },
    {
      id: 'size', key: '+/-', label: 'size', help: 'make the requests bigger or smaller', presses: ['+', '=', '-'], views: ['main'], bar: 25, plain: ['+', '-'],
      run: ({ session, input }) => session.traffic.resize(input === '-' ? -1 : 1),
    },
    {
      id: 'level', key: '←/→', label: 'level', short: 'lvl', help: 'the previous or the next level', presses: ['leftArrow', 'rightArrow'], views: ['main'], bar: 60,
      run: ({ session, level, input }) => session.setLevel(input === 'rightArrow' ? level + 1 : level - 1),
    },
    {
      id: 'levelNumber', key: `0–${last}`, label: 'level', help: 'go to that level', presses: digits, views: ['main'], plain: numbers,
      run: ({ session, input }) => session.setLevel(Number(input)),
    },
    { id: 'select', key: '↑/↓', label: 'select', short: 'sel', help: 'choose a captured event (with the capture in focus), or scroll the instructions', presses: ['upArrow', 'downArrow'], views: ['main'], bar: 30 },
    { id: 'open', key: 'Enter', label: 'bytes', help: 'open the chosen capture row: your bytes and the expected ones, whole, the first difference marked', presses: ['return'], views: ['main'], bar: 70 },
    { id: 'focus', key: 'Tab', label: 'focus', help: 'move the focus between the instructions and the capture (the one in focus gets the room)', presses: ['tab'], views: ['main'], bar: 50 },
    { id: 'scroll', key: 'PgUp/PgDn', label: 'scroll', help: 'scroll the instructions, the hints or the view on screen (also j / k)', presses: ['pageUp', 'pageDown', 'j', 'k'], views: ['main'] },
    { id: 'scroll', key: '↑/↓ PgUp/PgDn', label: 'scroll', help: '', presses: ['upArrow', 'downArrow', 'pageUp', 'pageDown', 'j', 'k'], views: ['reading'], bar: 50 },
    { id: 'hint', key: 'h', label: 'hint', help: 'a hint: each press reveals the next, from a nudge to the code', presses: ['h'], views: ['main'], bar: 80, plain: ['h'], run: ({ session }) => session.revealHint() },
    {
      id: 'solution', key: 's', label: 'solution', short: 'sol', help: 'show this level\'s solution, what it adds marked (asks first)', presses: ['s'], views: ['main'], bar: 55,
      confirm: ({ level }) => `Show the solution of level ${level}? Trying first teaches more.`,
    },
    {
      id: 'reset', key: 'x', label: 'reset', help: 'reset your file to the start of this level (asks first; yours is kept as a .bak file)', presses: ['x'], views: ['main'], bar: 45,
      confirm: ({ level, file }) => `Reset ${file} to the start of level ${level}? Your version is kept as a .bak file.`,
      run: ({ session }) => session.resetLevel(),
    },
    {
      id: 'startOver', key: 'o', label: 'start over', help: 'start over: forget which levels this file has done on this track, back to level 0 (asks first; the file is not changed)', presses: ['o'], views: ['main'], bar: 15,
      confirm: ({ file }) => `Start over: forget the levels ${file} has done on this track and go back to level 0? The file itself is not changed.`,
      run: ({ session }) => session.startOver(),
    },
    { id: 'help', key: '?', label: 'help', help: 'this help', presses: ['?'], views: ['main', 'reading'], bar: 95 },
    { id: 'back', key: 'Esc', label: 'back', help: 'back to the instructions (from the hints, the solution, the bytes or this help)', presses: ['escape'], views: ['main', 'reading'], bar: 20 },
    { id: 'quit', key: 'q', label: 'quit', help: 'quit: everything detached, the server stopped (also Ctrl-C)', presses: ['q', 'ctrl+c'], views: ['main', 'reading'], bar: 1000, plain: ['q'] },
  ];
}

/** The binding a key press answers to in `view`, if any. */
export function matchKey(table: KeyBinding[], view: KeyView, input: string, key: KeyState): { binding: KeyBinding; press: string } | null {
  for (const binding of table) {
    if (!binding.views.includes(view)) continue;
    for (const press of binding.presses) {
      const hit = press === 'ctrl+c' ? key.ctrl === true && input === 'c' : press.length === 1 ? input === press && !key.ctrl : key[press as NamedKey] === true;
      if (hit) return { binding, press };
    }
  }
  return null;
}

/** The binding a typed line answers to in plain mode, if any. */
export function matchPlain(table: KeyBinding[], line: string): KeyBinding | null {
  return table.find((b) => b.plain?.includes(line)) ?? null;
}

/** The line plain mode prints to say what can be typed. */
export function plainCommands(table: KeyBinding[]): string {
  const described = table
    .filter((b) => b.plain)
    .map((b) => `${b.id === 'levelNumber' ? `${b.plain![0]}-${b.plain!.at(-1)}` : b.plain!.join(' / ')} ${b.id === 'levelNumber' ? 'level' : b.label}`);
  return `commands: ${described.join(', ')} (then Enter)`;
}

/** The keys on the bar of `view`, in the table's order; `n` only once the level is passed and another follows. */
export function barKeys(table: KeyBinding[], view: KeyView, canAdvance = false): KeyBinding[] {
  return table.filter((b) => b.bar !== undefined && b.views.includes(view) && (b.id !== 'next' || canAdvance) && (b.id !== 'back' || view === 'reading'));
}
