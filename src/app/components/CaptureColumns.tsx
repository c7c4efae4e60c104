// `Your sniffer` | `Expected`: what the learner's program captured beside what solution.c,
// attached at the same level, captured from the same requests. The newest lines are at the
// bottom; only what fits is rendered.
import { useMemo } from 'react';
import { Box, Text } from 'ink';
import { diffCaptures } from '../captureDiff.js';
import { eventLines, timelineLines, type CaptureLine } from '../captureLines.js';
import type { Connection } from '../connectionLog.js';
import { tone } from '../theme.js';
import { SegmentText } from './SegmentText.js';

export interface CaptureColumnsProps {
  learner: readonly Connection[];
  expected: readonly Connection[];
  /** Changes when either log changes (the logs themselves are mutable). */
  version: number;
  /** Level 4 shows per-connection timelines; levels 1–3 one line per event. */
  timeline: boolean;
  width: number;
  height: number;
  learnerState: string;
  expectedState: string;
  /** What to show while neither side has anything. */
  empty: string;
  now?: number;
}

export function CaptureColumns(props: CaptureColumnsProps) {
  const { width, height, timeline } = props;
  const columnWidth = Math.max(10, Math.floor((width - 3) / 2));
  const now = props.now ?? Date.now();
  const lines = useMemo<CaptureLine[]>(() => {
    const rows = diffCaptures(props.learner, props.expected, { now });
    return timeline ? timelineLines(rows, columnWidth) : eventLines(rows, columnWidth);
    // `version` stands for the logs' contents; `now` moves "waiting" to "missing".
  }, [props.learner, props.expected, props.version, timeline, columnWidth, Math.floor(now / 250)]);
  const bodyHeight = Math.max(1, height - 2);
  const shown = lines.slice(-bodyHeight);

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Box>
        <Box width={columnWidth}>
          <Text bold wrap="truncate">Your sniffer </Text>
          <Text color={tone('muted')} wrap="truncate">{props.learnerState}</Text>
        </Box>
        <Text color={tone('muted')}> │ </Text>
        <Box width={columnWidth}>
          <Text bold wrap="truncate">Expected </Text>
          <Text color={tone('muted')} wrap="truncate">{props.expectedState}</Text>
        </Box>
      </Box>
      <Text color={tone('muted')}>{`${'─'.repeat(columnWidth)}─┼─${'─'.repeat(columnWidth)}`}</Text>
      {shown.length === 0 ? (
        <Text color={tone('muted')} wrap="truncate">{props.empty}</Text>
      ) : (
        shown.map((line) => (
          <Box key={line.key}>
            <Box width={columnWidth}>
              <SegmentText segments={line.left} width={columnWidth} />
            </Box>
            <Text color={tone('muted')}> │ </Text>
            <Box width={columnWidth}>
              <SegmentText segments={line.right} width={columnWidth} />
            </Box>
          </Box>
        ))
      )}
    </Box>
  );
}
