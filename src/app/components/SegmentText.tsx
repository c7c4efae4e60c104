// A line made of segments, each with its own tone; and lines of them, one under the other.
import { Box, Text } from 'ink';
import type { Segment } from '../captureLines.js';
import { tone } from '../theme.js';

export function SegmentText({ segments, width }: { segments: Segment[]; width: number }) {
  return (
    <Text wrap="truncate-end">
      {segments.length === 0 ? ' '.repeat(Math.max(1, width)) : null}
      {segments.map((s, i) => (
        <Text key={i} color={s.tone ? tone(s.tone) : undefined} bold={s.bold} inverse={s.inverse}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

export function SegmentLines({ lines, width }: { lines: Segment[][]; width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((line, i) => (
        <SegmentText key={i} segments={line} width={width} />
      ))}
    </Box>
  );
}
