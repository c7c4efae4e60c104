// The hints revealed so far for the level, newest last: a nudge, then the idea, then the code.
import { Box, Text } from 'ink';
import { hintLines } from '../hintText.js';
import { tone } from '../theme.js';

export interface HintsPanelProps {
  hints: string[];
  shown: number;
  top: number;
  width: number;
  height: number;
}

export function HintsPanel({ hints, shown, top, width, height }: HintsPanelProps) {
  const lines = hintLines(hints, shown, width).slice(top, top + height);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {lines.map((line, i) => (
        <Text key={top + i} wrap="truncate-end" color={line.kind === 'code' ? tone('code') : line.kind === 'note' ? tone('muted') : undefined}>
          {line.text || ' '}
        </Text>
      ))}
    </Box>
  );
}
