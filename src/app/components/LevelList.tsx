// The track's levels: done (✓), the one being worked on (▶), and the ones ahead. Titles
// wrap rather than being cut; where even that leaves no room, only the numbers show (the
// instructions' heading names the level).
import { Box, Text } from 'ink';
import type { Level } from '../../tracks/levelSpec.js';
import { wrapText } from '../markdown.js';
import { tone } from '../theme.js';

export interface LevelListProps {
  levels: Level[];
  current: number;
  completed: number[];
  width: number;
}

/** Narrower than this, the list shows numbers only. */
const TITLES_FROM = 20;

/** Each level's lines: its mark, number and title, wrapped to `width` (or only the number). */
export function levelListLines(levels: Level[], current: number, completed: number[], width: number): Array<{ id: number; text: string }> {
  return levels.flatMap((level) => {
    const done = completed.includes(level.id);
    const mark = level.id === current ? '▶' : done ? '✓' : ' ';
    const tail = done && level.id === current ? ' ✓' : '';
    const text = width < TITLES_FROM ? `${mark} ${level.id}${tail}` : `${mark} ${level.id} ${level.title}${tail}`;
    return wrapText(text, width, ' '.repeat(String(level.id).length + 3)).map((line) => ({ id: level.id, text: line }));
  });
}

export function LevelList({ levels, current, completed, width }: LevelListProps) {
  return (
    <Box flexDirection="column" width={width}>
      {levelListLines(levels, current, completed, width).map((line, i) => {
        const isCurrent = line.id === current;
        const color = isCurrent ? tone('accent') : completed.includes(line.id) ? tone('ok') : tone('muted');
        return (
          <Text key={i} color={color} bold={isCurrent} inverse={isCurrent && !tone('accent')} wrap="truncate">
            {line.text}
          </Text>
        );
      })}
    </Box>
  );
}
