// The track's levels: done (✓), the one being worked on (▶), and the ones ahead.
import { Box, Text } from 'ink';
import type { Level } from '../../tracks/levelSpec.js';
import { tone } from '../theme.js';

export interface LevelListProps {
  levels: Level[];
  current: number;
  completed: number[];
  width: number;
}

export function LevelList({ levels, current, completed, width }: LevelListProps) {
  return (
    <Box flexDirection="column" width={width}>
      {levels.map((level) => {
        const done = completed.includes(level.id);
        const isCurrent = level.id === current;
        const mark = isCurrent ? '▶' : done ? '✓' : ' ';
        const color = isCurrent ? tone('accent') : done ? tone('ok') : tone('muted');
        return (
          <Text key={level.id} color={color} bold={isCurrent} inverse={isCurrent && !tone('accent')} wrap="truncate">
            {`${mark} ${level.id} ${level.title}${done && isCurrent ? ' ✓' : ''}`}
          </Text>
        );
      })}
    </Box>
  );
}
