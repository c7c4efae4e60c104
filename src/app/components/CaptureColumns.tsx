// `Your sniffer` | `Expected`: what the learner's program captured beside what the reference,
// attached at the same level, captured from the same requests. The newest lines are at the
// bottom; only what fits is rendered. A selected line (the capture in focus) is shown
// inverted and kept in view. CaptureSide is one column alone: the expected capture while
// the learner's file fails.
import { Box, Text } from 'ink';
import type { CaptureLine, Segment } from '../captureLines.js';
import { tone } from '../theme.js';
import { SegmentText } from './SegmentText.js';

export interface CaptureColumnsProps {
  /** Both sides' lines, laid out for this width's columns (screenModel: eventLines or timelineLines). */
  lines: CaptureLine[];
  width: number;
  height: number;
  learnerState: string;
  expectedState: string;
  /** What to show while neither side has anything. */
  empty: string;
  /** The key of the selected line. */
  selected?: string | null;
  /** Older connections each log let go (connectionLog.ts): said in the rule under the heading. */
  learnerNotKept?: number;
  expectedNotKept?: number;
}

/** The rule under a column's heading; it says how many older connections were not kept, if any. */
export function rule(width: number, notKept = 0): string {
  if (notKept <= 0) return '─'.repeat(width);
  const said = ` ${notKept} older connection${notKept === 1 ? '' : 's'} not kept `;
  const text = said.length + 2 <= width ? said : ` ${notKept} older not kept `;
  return text.length + 2 > width ? '─'.repeat(width) : `──${text}${'─'.repeat(width - text.length - 2)}`;
}

/**
 * The window of `count` lines to show: the newest, starting no later than the newest
 * connection's first line (so a short window shows how it began), unless the selected line
 * is above them.
 */
export function visibleWindow(lines: CaptureLine[], count: number, selected: string | null = null): CaptureLine[] {
  const at = selected ? lines.findIndex((l) => l.key === selected) : -1;
  const newest = lines.findIndex((l) => l.row === lines.at(-1)?.row);
  const start = Math.max(0, Math.min(lines.length - count, newest));
  const from = at >= 0 && (at < start || at >= start + count) ? at : start;
  return lines.slice(from, from + count);
}

const highlight = (segments: Segment[]) => segments.map((s) => ({ ...s, inverse: true }));

export function CaptureColumns(props: CaptureColumnsProps) {
  const { width, height } = props;
  const columnWidth = Math.max(10, Math.floor((width - 3) / 2));
  const shown = visibleWindow(props.lines, Math.max(1, height - 2), props.selected);

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
      <Text color={tone('muted')}>{`${rule(columnWidth, props.learnerNotKept)}─┼─${rule(columnWidth, props.expectedNotKept)}`}</Text>
      {shown.length === 0 ? (
        <Text color={tone('muted')} wrap="truncate">{props.empty}</Text>
      ) : (
        shown.map((line) => {
          const on = line.key === props.selected;
          return (
            <Box key={line.key}>
              <Box width={columnWidth}>
                <SegmentText segments={on ? highlight(line.left) : line.left} width={columnWidth} />
              </Box>
              <Text color={tone('muted')}>{on ? ' ◀ ' : ' │ '}</Text>
              <Box width={columnWidth}>
                <SegmentText segments={on ? highlight(line.right) : line.right} width={columnWidth} />
              </Box>
            </Box>
          );
        })
      )}
    </Box>
  );
}

export interface CaptureSideProps {
  title: string;
  state: string;
  lines: CaptureLine[];
  width: number;
  height: number;
  empty: string;
  selected?: string | null;
  /** Older connections the log let go (connectionLog.ts). */
  notKept?: number;
}

/** The expected column alone: its heading, then the right side of each line. */
export function CaptureSide({ title, state, lines, width, height, empty, selected = null, notKept = 0 }: CaptureSideProps) {
  const shown = visibleWindow(lines, Math.max(1, height - 2), selected);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate">
        <Text bold>{`${title} `}</Text>
        <Text color={tone('muted')}>{state}</Text>
      </Text>
      <Text color={tone('muted')}>{rule(width, notKept)}</Text>
      {shown.length === 0 ? (
        <Text color={tone('muted')} wrap="truncate">{empty}</Text>
      ) : (
        shown.map((line) => <SegmentText key={line.key} segments={line.key === selected ? highlight(line.right) : line.right} width={width} />)
      )}
    </Box>
  );
}
