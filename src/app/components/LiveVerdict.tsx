// The verdict (or a notice, or the question being asked) under the capture, as the screen
// model wrapped it (verdict.ts says what it is).
import type { Segment } from '../captureLines.js';
import { SegmentLines } from './SegmentText.js';

export function LiveVerdict({ lines, width }: { lines: Segment[][]; width: number }) {
  return <SegmentLines lines={lines} width={width} />;
}
