// `?`: every key, and what the columns mean.
import { Box, Text } from 'ink';
import { tone } from '../theme.js';

/** The keys, for a track of `levelCount` levels. */
export const helpKeys = (levelCount: number): Array<[string, string]> => [
  ['r', 'send one request to the demo server'],
  ['a', 'automatic traffic on/off (a request every 2 s)'],
  ['+ / -', 'make the requests bigger or smaller'],
  [`0–${levelCount - 1}, ← / →`, 'go to a level'],
  ['n', 'the next level'],
  ['PgUp / PgDn, j / k', 'scroll the instructions (or the hints, or the solution)'],
  ['h', 'a hint: each press reveals the next, from a nudge to the code'],
  ['s', 'show this level\'s solution (asks first)'],
  ['x', 'reset your file to the start of this level (asks first; yours is kept as a .bak file)'],
  ['Esc', 'back to the instructions'],
  ['q, Ctrl-C', 'quit: everything detached, the server stopped'],
];

export function HelpOverlay({ width, height, levelCount }: { width: number; height: number; levelCount: number }) {
  const keys = helpKeys(levelCount);
  const keyWidth = Math.max(...keys.map(([k]) => k.length)) + 2;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold color={tone('info')}>Keys</Text>
      {keys.map(([key, what]) => (
        <Text key={key} wrap="truncate-end">
          <Text bold>{key.padEnd(keyWidth)}</Text>
          {what}
        </Text>
      ))}
      <Text> </Text>
      <Text bold color={tone('info')}>The columns</Text>
      <Text wrap="wrap">
        Your sniffer: what your program captured. Expected: what solution.c, attached at the same level, captured from
        the same requests. ✗ a missing event, ⇄ the wrong direction, ✂ a payload cut short, … still on its way.
      </Text>
    </Box>
  );
}
