// The learner's full screen: levels and instructions on top, the capture columns (or why
// the file is not attached) below, status, traffic and keys at the bottom.
import { useMemo, useState } from 'react';
import { Box, Text, useStdin } from 'ink';
import { useLatestInput } from '../hooks/useLatestInput.js';
import type { WorkshopControls } from '../controls.js';
import { useStore } from '../hooks/useStore.js';
import { useTerminalSize } from '../hooks/useTerminalSize.js';
import { workshopLayout } from '../layout.js';
import { renderMarkdown } from '../markdown.js';
import { tone } from '../theme.js';
import { instructionsText } from '../../tracks/tracks.js';
import type { WorkshopSnapshot } from '../workshopSession.js';
import { CaptureColumns } from './CaptureColumns.js';
import { CodeView } from './CodeView.js';
import { ConfirmPrompt } from './ConfirmPrompt.js';
import { Diagnostics } from './Diagnostics.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { hintLines, HintsPanel } from './HintsPanel.js';
import { KeyBar, type KeyHint } from './KeyBar.js';
import { LevelList } from './LevelList.js';
import { LiveVerdict } from './LiveVerdict.js';
import { clampTop, MarkdownView } from './MarkdownView.js';
import { StartupScreen } from './StartupScreen.js';
import { TrafficBar } from './TrafficBar.js';
import { WatchStatus } from './WatchStatus.js';

type Panel = 'instructions' | 'hints' | 'help' | 'solution';
type Question = 'solution' | 'reset' | null;

export interface WorkshopAppProps {
  workshop: WorkshopControls;
  onQuit: () => void;
}

const NEXT_LEVEL: KeyHint = { key: 'n', label: 'next level', short: 'next' };
const KEYS: KeyHint[] = [
  { key: 'r', label: 'request', short: 'req' },
  { key: 'a', label: 'auto' },
  { key: '+/-', label: 'size' },
  { key: '←/→', label: 'level', short: 'lvl' },
  { key: 'h', label: 'hint' },
  { key: 's', label: 'solution', short: 'sol' },
  { key: 'x', label: 'reset' },
  { key: '?', label: 'help' },
  { key: 'q', label: 'quit' },
];

/** The key bar's keys: `n` first once the level is passed and another follows. */
export function workshopKeys(canAdvance: boolean): KeyHint[] {
  return canAdvance ? [NEXT_LEVEL, ...KEYS] : KEYS;
}

export function WorkshopApp({ workshop, onQuit }: WorkshopAppProps) {
  const snap = useStore(workshop.store);
  const { columns, rows } = useTerminalSize();
  const layout = workshopLayout(columns, rows);
  const [panel, setPanel] = useState<Panel>('instructions');
  const [question, setQuestion] = useState<Question>(null);
  const [scroll, setScroll] = useState({ level: -1, top: 0 });

  const level = snap.levels[snap.level]!;
  const innerWidth = layout.instructionsWidth - 4;
  const innerHeight = layout.top - 3;
  const instructionLines = useMemo(() => renderMarkdown(instructionsText(level), innerWidth), [level, innerWidth]);
  const solution = useMemo(() => (panel === 'solution' ? workshop.solutionText(snap.level) : ''), [panel, snap.level, workshop]);
  const top = scroll.level === snap.level ? scroll.top : 0;
  const scrollable =
    panel === 'hints'
      ? hintLines(level.hints, snap.hintsShown, innerWidth).length
      : panel === 'solution'
        ? solution.split('\n').length
        : instructionLines.length;
  const viewHeight = panel === 'solution' ? layout.height - 3 : innerHeight;
  const scrollBy = (delta: number) => setScroll({ level: snap.level, top: clampTop(top + delta, scrollable, viewHeight) });
  const show = (next: Panel) => {
    setPanel(next);
    setScroll({ level: snap.level, top: 0 });
  };

  const { isRawModeSupported } = useStdin();
  useLatestInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) return onQuit();
    if (snap.phase !== 'ready') return;
    if (question) {
      if (input === 'y' || input === 'Y') {
        if (question === 'solution') show('solution');
        else workshop.resetLevel();
      }
      setQuestion(null);
      return;
    }
    if (key.escape) return show('instructions');
    if (key.pageDown || input === 'j' || key.downArrow) return scrollBy(key.pageDown ? viewHeight - 1 : 1);
    if (key.pageUp || input === 'k' || key.upArrow) return scrollBy(key.pageUp ? -(viewHeight - 1) : -1);
    if (key.leftArrow) return workshop.setLevel(snap.level - 1);
    if (key.rightArrow) return workshop.setLevel(snap.level + 1);
    if (/^[0-9]$/.test(input)) return workshop.setLevel(Number(input));
    switch (input) {
      case 'r':
        return void workshop.traffic.sendOne();
      case 'a':
        return workshop.traffic.toggleAuto();
      case '+':
      case '=':
        return workshop.traffic.resize(1);
      case '-':
        return workshop.traffic.resize(-1);
      case 'n':
        return workshop.nextLevel();
      case 'h': {
        const shown = workshop.revealHint();
        setPanel('hints');
        // Scroll so the newest hint starts at the top of the panel.
        const before = hintLines(level.hints, shown - 1, innerWidth).length - 2;
        setScroll({ level: snap.level, top: shown > 1 ? Math.max(0, before) : 0 });
        return;
      }
      case 's':
        return setQuestion('solution');
      case 'x':
        return setQuestion('reset');
      case '?':
        return show(panel === 'help' ? 'instructions' : 'help');
    }
  }, { isActive: isRawModeSupported === true });

  if (snap.phase !== 'ready') return <StartupScreen step={snap.step} fatal={snap.fatal} width={layout.width} />;

  const header = (
    <Header
      title="eBPF workshop"
      parts={[snap.file, snap.attachMode ? `${snap.attachMode} mode` : '', `level ${snap.level} of ${snap.levels.length - 1}`]}
    />
  );

  if (panel === 'solution') {
    return (
      <Box flexDirection="column" width={layout.width} height={layout.height}>
        {header}
        <CodeView title={`Level ${snap.level}: the whole file once this level is done`} code={solution} top={top} width={layout.width} height={layout.height - 2} />
        <KeyBar keys={[{ key: 'Esc', label: 'back' }, { key: 'PgUp/PgDn', label: 'scroll' }, { key: 'q', label: 'quit' }]} width={layout.width} />
      </Box>
    );
  }

  if (panel === 'help') {
    return (
      <Box flexDirection="column" width={layout.width} height={layout.height}>
        {header}
        <HelpOverlay width={layout.width} height={layout.height - 2} levelCount={snap.levels.length} />
        <KeyBar keys={[{ key: 'Esc', label: 'back' }, { key: '?', label: 'back' }, { key: 'q', label: 'quit' }]} />
      </Box>
    );
  }

  const attaches = level.spec.expectedEvents.attach;
  return (
    <Box flexDirection="column" width={layout.width} height={layout.height}>
      {header}
      <Box height={layout.top}>
        <Box borderStyle="round" borderColor={tone('muted')} width={layout.levelsWidth} paddingX={1} flexDirection="column">
          <LevelList levels={snap.levels} current={snap.level} completed={snap.completed} width={layout.levelsWidth - 4} />
        </Box>
        <Box borderStyle="round" borderColor={tone('muted')} width={layout.instructionsWidth} paddingX={1} flexDirection="column">
          <TopPanelTitle panel={panel} snap={snap} top={top} total={scrollable} height={innerHeight} />
          {panel === 'hints' ? (
            <HintsPanel hints={level.hints} shown={snap.hintsShown} top={top} width={innerWidth} height={innerHeight} />
          ) : (
            <MarkdownView lines={instructionLines} top={top} height={innerHeight} />
          )}
        </Box>
      </Box>
      <WatchStatus file={snap.file} watch={snap.watch} level={snap.level} attaches={attaches} watchMode={snap.watchMode} watchNote={snap.watchNote} />
      <Box height={layout.main}>
        <MainPanel snap={snap} width={layout.width} height={layout.main} attaches={attaches} />
      </Box>
      {question ? (
        <ConfirmPrompt
          question={
            question === 'solution'
              ? `Show the solution of level ${snap.level}? Trying first teaches more.`
              : `Reset ${snap.file} to the start of level ${snap.level}? Your version is kept as a .bak file.`
          }
        />
      ) : (
        <LiveVerdict
          level={snap.level}
          lastLevel={snap.levels.length - 1}
          attached={snap.watch.status === 'attached'}
          attaches={attaches}
          live={snap.live}
          passedLevel={snap.passedLevel}
          notice={snap.notice}
        />
      )}
      <TrafficBar server={snap.server} lost={snap.lost} {...snap.traffic} />
      <KeyBar keys={workshopKeys(snap.passedLevel === snap.level && snap.level < snap.levels.length - 1)} width={layout.width} />
    </Box>
  );
}

function TopPanelTitle({ panel, snap, top, total, height }: { panel: Panel; snap: WorkshopSnapshot; top: number; total: number; height: number }) {
  const title = panel === 'hints' ? `Hints for level ${snap.level}` : 'Instructions';
  const position = total > height ? `  ${top + 1}–${Math.min(total, top + height)} of ${total} (PgUp/PgDn)` : '';
  return (
    <Text wrap="truncate-end">
      <Text bold color={tone('info')}>{title}</Text>
      <Text color={tone('muted')}>{position}</Text>
    </Text>
  );
}

function MainPanel({ snap, width, height, attaches }: { snap: WorkshopSnapshot; width: number; height: number; attaches: boolean }) {
  if (snap.watch.status === 'broken') {
    return <Diagnostics checks={snap.watch.checks} problem={snap.watch.problem} source={snap.source} width={width} height={height} />;
  }
  if (!attaches) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text color={tone('muted')} wrap="wrap">
          Level 0 attaches nothing: your hooks are compiled and loaded, and the kernel's verifier examines them. Once they
          pass, level 1 attaches accept4 and the capture columns come to life.
        </Text>
      </Box>
    );
  }
  const learnerState = snap.watch.status === 'compiling' ? '(checking…)' : snap.watch.status === 'attached' ? `(${snap.file})` : '(not attached)';
  const expectedState =
    snap.expected.status === 'loading' ? '(solution.c, attaching…)' : snap.expected.status === 'failed' ? `(failed: ${snap.expected.problem})` : '(solution.c)';
  return (
    <CaptureColumns
      learner={snap.learnerLog.connections}
      expected={snap.expectedLog.connections}
      version={snap.captureVersion}
      timeline={snap.levels[snap.level]!.spec.expectedEvents.exchange}
      width={width}
      height={height}
      learnerState={learnerState}
      expectedState={expectedState}
      empty="no traffic yet: press r to send a request, or a for one every 2 s"
    />
  );
}
