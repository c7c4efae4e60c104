// A full-screen reading view (the solution, the help, a capture's bytes): a title line,
// then a window of pre-laid-out lines; `top` is the first one shown.
import { Box, Text } from 'ink';
import type { Segment } from '../captureLines.js';
import { clampTop } from '../layout.js';
import { tone } from '../theme.js';
import { SegmentText } from './SegmentText.js';

export interface ScrollViewProps {
  title: string;
  lines: Segment[][];
  top: number;
  width: number;
  height: number;
}

export function ScrollView({ title, lines, top, width, height }: ScrollViewProps) {
  const body = Math.max(1, height - 1);
  const from = clampTop(top, lines.length, body);
  const position = lines.length > body ? `  (${from + 1}–${Math.min(lines.length, from + body)} of ${lines.length})` : '';
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate-end">
        <Text bold color={tone('info')}>{title}</Text>
        <Text color={tone('muted')}>{position}</Text>
      </Text>
      {lines.slice(from, from + body).map((line, i) => (
        <SegmentText key={from + i} segments={line} width={width} />
      ))}
    </Box>
  );
}
