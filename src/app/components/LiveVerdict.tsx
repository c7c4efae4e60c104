// The verdict (or a notice, or the question being asked) under the capture, as the screen
// model wrapped it (verdict.ts says what it is).
import { Box } from 'ink';
import type { Segment } from '../captureLines.js';
import { SegmentText } from './SegmentText.js';

export function LiveVerdict({ lines, width }: { lines: Segment[][]; width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((line, i) => (
        <SegmentText key={i} segments={line} width={width} />
      ))}
    </Box>
  );
}
