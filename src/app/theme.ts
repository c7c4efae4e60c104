// Colours for the app, in one place so NO_COLOR (https://no-color.org) is honoured by
// every component: with it set, colour props come out undefined and only bold, dim and
// inverse remain to set things apart.

import { colorWanted } from '../util/terminalText.js';

export type Tone = 'ok' | 'bad' | 'warn' | 'info' | 'muted' | 'accent' | 'code';

const palette: Record<Tone, string> = {
  ok: 'green',
  bad: 'red',
  warn: 'yellow',
  info: 'cyan',
  muted: 'gray',
  accent: 'magenta',
  code: 'yellow',
};

let enabled = colorWanted();

/** For tests: colour on or off regardless of the environment. */
export function setColorEnabled(on: boolean): void {
  enabled = on;
}

/** The colour of a tone, or undefined when colour is off. */
export function tone(name: Tone): string | undefined {
  return enabled ? palette[name] : undefined;
}
