// The verdict (or a notice, or a question) under the capture, wrapped to the width.
import { Box } from 'ink';
import type { Segment } from '../captureLines.js';
import { wrapPieces } from '../markdown.js';
import { SegmentText } from './SegmentText.js';

/** The segments as the lines they take at `width`. */
export function footerLines(segments: Segment[], width: number): Segment[][] {
  return segments.length ? wrapPieces(segments, width, { text: '  ' }) : [[]];
}

export function LiveVerdict({ lines, width }: { lines: Segment[][]; width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((line, i) => (
        <SegmentText key={i} segments={line} width={width} />
      ))}
    </Box>
  );
}
