// The learner's main screen: levels and instructions (or hints) on top, the capture columns
// (or the diagnostics beside the expected capture) below, then the verdict, the traffic and
// the keys. The screen model (screenModel.ts) has already shared out the rows.
import { Box, Text } from 'ink';
import type { KeyBinding } from '../keys.js';
import type { Line } from '../markdown.js';
import type { ScreenModel } from '../screenModel.js';
import { tone } from '../theme.js';
import type { WorkshopSnapshot } from '../workshopSession.js';
import { CaptureColumns, CaptureSide } from './CaptureColumns.js';
import { Diagnostics } from './Diagnostics.js';
import { HintsPanel } from './HintsPanel.js';
import { KeyBar } from './KeyBar.js';
import { LevelList } from './LevelList.js';
import { LiveVerdict } from './LiveVerdict.js';
import { MarkdownView } from './MarkdownView.js';
import { SegmentText } from './SegmentText.js';
import { TrafficBar } from './TrafficBar.js';
import { WatchStatus } from './WatchStatus.js';

export interface MainScreenProps {
  snap: WorkshopSnapshot;
  model: ScreenModel;
  header: React.ReactNode;
  panel: 'instructions' | 'hints';
  instructions: Line[];
  /** Lines in the top panel, and the first one shown. */
  total: number;
  top: number;
  focus: 'instructions' | 'capture';
  selected: string | null;
  keys: KeyBinding[];
}

const EMPTY = 'no traffic yet: press r to send a request, or a for one every 2 s';

export function MainScreen({ snap, model, header, panel, instructions, total, top, focus, selected, keys }: MainScreenProps) {
  const { layout } = model;
  const innerWidth = layout.instructionsWidth - 4;
  const innerHeight = layout.top - 3;
  const title = panel === 'hints' ? `Hints for level ${snap.level}` : 'Instructions';
  const position = total > innerHeight ? `  ${top + 1}–${Math.min(total, top + innerHeight)} of ${total} (PgUp/PgDn)` : '';
  return (
    <Box flexDirection="column" width={layout.width} height={layout.height}>
      {header}
      <Box height={layout.top}>
        <Box borderStyle="round" borderColor={tone('muted')} width={layout.levelsWidth} paddingX={1} flexDirection="column" overflow="hidden">
          <LevelList levels={snap.levels} current={snap.level} completed={snap.completed} width={layout.levelsWidth - 4} />
        </Box>
        <Box
          borderStyle={focus === 'instructions' ? 'bold' : 'round'}
          borderColor={focus === 'instructions' ? tone('accent') : tone('muted')}
          width={layout.instructionsWidth}
          paddingX={1}
          flexDirection="column"
        >
          <Text wrap="truncate-end">
            <Text bold color={tone('info')}>{title}</Text>
            <Text color={tone('muted')}>{position}</Text>
          </Text>
          {panel === 'hints' ? (
            <HintsPanel hints={model.level.hints} shown={snap.hintsShown} top={top} width={innerWidth} height={innerHeight} />
          ) : (
            <MarkdownView lines={instructions} top={top} height={innerHeight} />
          )}
        </Box>
      </Box>
      <WatchStatus file={snap.file} watch={snap.watch} level={snap.level} attaches={model.attaches} watchMode={snap.watchMode} watchNote={snap.watchNote} />
      <Box height={layout.main}>
        <MainBand snap={snap} model={model} selected={focus === 'capture' ? selected : null} />
      </Box>
      <LiveVerdict lines={model.footer} width={layout.width} />
      <TrafficBar lines={model.traffic} width={layout.width} />
      <KeyBar keys={keys} width={layout.width} />
    </Box>
  );
}

function MainBand({ snap, model, selected }: { snap: WorkshopSnapshot; model: ScreenModel; selected: string | null }) {
  const { layout, main } = model;
  const expectedState =
    snap.expected.status === 'loading' ? '(solution.c, attaching…)' : snap.expected.status === 'failed' ? `(failed: ${snap.expected.problem})` : '(solution.c)';
  if (main.kind === 'note') {
    return (
      <Box flexDirection="column" width={layout.width} height={layout.main}>
        {main.lines.map((line, i) => (
          <SegmentText key={i} segments={line} width={layout.width} />
        ))}
      </Box>
    );
  }
  if (main.kind === 'problems') {
    // Laid out by the screen model for the room it gave them.
    const diagnostics = (width: number, height: number) => <Diagnostics lines={main.diagnostics.lines} width={width} height={height} />;
    if (main.expectedRows === 0) return diagnostics(layout.width, layout.main);
    const expected = (width: number, height: number) => (
      <CaptureSide title="Expected" state={`${expectedState}: what your program should capture`} lines={model.lines} width={width} height={height} empty="press r: a request shows what your program should capture" selected={selected} notKept={snap.expectedLog.connectionsNotKept} />
    );
    if (main.beside) {
      return (
        <Box width={layout.width} height={layout.main}>
          <Box width={model.columnWidth}>{diagnostics(model.columnWidth, layout.main)}</Box>
          <Text color={tone('muted')}>{Array.from({ length: layout.main }, () => ' │ ').join('\n')}</Text>
          <Box width={model.columnWidth}>{expected(model.columnWidth, layout.main)}</Box>
        </Box>
      );
    }
    return (
      <Box flexDirection="column" width={layout.width} height={layout.main}>
        {diagnostics(layout.width, layout.main - main.expectedRows)}
        {expected(layout.width, main.expectedRows)}
      </Box>
    );
  }
  const learnerState = snap.watch.status === 'compiling' ? '(checking…)' : snap.watch.status === 'attached' ? `(${snap.file})` : '(not attached)';
  return (
    <CaptureColumns
      width={layout.width}
      height={layout.main}
      learnerState={learnerState}
      expectedState={expectedState}
      empty={EMPTY}
      lines={model.lines}
      selected={selected}
      learnerNotKept={snap.learnerLog.connectionsNotKept}
      expectedNotKept={snap.expectedLog.connectionsNotKept}
    />
  );
}
