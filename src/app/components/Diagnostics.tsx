// Why the learner's file is not attached, as diagnosticLines laid it out for the screen model:
// every message and hint whole, the code around the first failure, then the others as they fit.
import { Box } from 'ink';
import type { Segment } from '../captureLines.js';
import { SegmentText } from './SegmentText.js';

export interface DiagnosticsProps {
  /** diagnosticLines(…).lines, laid out for this width and height. */
  lines: Segment[][];
  width: number;
  height: number;
}

export function Diagnostics({ lines, width, height }: DiagnosticsProps) {
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {lines.map((line, i) => (
        <SegmentText key={i} segments={line} width={width} />
      ))}
    </Box>
  );
}
