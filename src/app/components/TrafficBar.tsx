// The demo server and the traffic sent to it, as trafficBar.ts laid it out for the width.
import type { Segment } from '../captureLines.js';
import { SegmentLines } from './SegmentText.js';

export function TrafficBar({ lines, width }: { lines: Segment[][]; width: number }) {
  return <SegmentLines lines={lines} width={width} />;
}
