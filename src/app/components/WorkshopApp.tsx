// The learner's full screen: the main screen (MainScreen), or a full-screen reading view —
// the solution with what the level adds marked, one connection's bytes, the help. Keys come
// from the one key table (keys.ts); this component keeps only the view's state: which panel,
// the scroll positions, the focus, the selected capture line, the question being asked.
import { useMemo, useRef, useState } from 'react';
import { Box, useStdin } from 'ink';
import { captureDetail } from '../captureDetail.js';
import type { WorkshopControls } from '../controls.js';
import { helpLines } from '../helpText.js';
import { useLatestInput } from '../hooks/useLatestInput.js';
import { useStore } from '../hooks/useStore.js';
import { useTerminalSize } from '../hooks/useTerminalSize.js';
import { barKeys, keyTable, matchKey, type KeyBinding } from '../keys.js';
import { clampTop, type Focus } from '../layout.js';
import { renderMarkdown } from '../markdown.js';
import { screenModel } from '../screenModel.js';
import { solutionLines, solutionRows } from '../solutionDiff.js';
import { attachDescription, instructionsText } from '../../tracks/tracks.js';
import { Header } from './Header.js';
import { hintLines } from '../hintText.js';
import { KeyBar, type KeyHint } from './KeyBar.js';
import { MainScreen } from './MainScreen.js';
import { ScrollView } from './ScrollView.js';
import { StartupScreen } from './StartupScreen.js';

type Panel = 'instructions' | 'hints' | 'help' | 'solution' | 'bytes';

export interface WorkshopAppProps {
  workshop: WorkshopControls;
  onQuit: () => void;
}

/** The main screen's key bar: `n` first once the level is passed and another follows. */
export function workshopKeys(canAdvance: boolean, levelCount = 5): KeyHint[] {
  return barKeys(keyTable(levelCount), 'main', canAdvance);
}

export function WorkshopApp({ workshop, onQuit }: WorkshopAppProps) {
  const snap = useStore(workshop.store);
  const size = useTerminalSize();
  const [panel, setPanel] = useState<Panel>('instructions');
  const [question, setQuestionState] = useState<KeyBinding | null>(null);
  // Also in a ref: the answer may arrive in the same read as the question's key, before a render.
  const asking = useRef<KeyBinding | null>(null);
  const setQuestion = (binding: KeyBinding | null) => {
    asking.current = binding;
    setQuestionState(binding);
  };
  const [scroll, setScroll] = useState({ level: -1, top: 0 });
  const [readingTop, setReadingTop] = useState(0);
  const [focus, setFocus] = useState<Focus>('instructions');
  const [selected, setSelected] = useState<string | null>(null);
  const [opened, setOpened] = useState<{ row: string; cell: number } | null>(null);
  const table = useMemo(() => keyTable(snap.levels.length), [snap.levels.length]);

  const questionText = question?.confirm?.({ level: snap.level, file: snap.file }) ?? null;
  // A key that only scrolls or moves the selection draws again without laying the screen out again.
  const model = useMemo(() => screenModel(snap, size, focus, questionText), [snap, size.columns, size.rows, focus, questionText]);
  const { layout, level } = model;
  const innerWidth = layout.instructionsWidth - 4;
  const innerHeight = layout.top - 3;
  const instructions = useMemo(() => renderMarkdown(instructionsText(level), innerWidth), [level, innerWidth]);
  const reading = panel === 'help' || panel === 'solution' || panel === 'bytes';
  const readingHeight = layout.height - 2;

  /** The level's solution as a diff against its start, for the reading panel. */
  const solutionView = () => solutionRows(solutionLines(workshop.levelStartText(snap.level), workshop.solutionText(snap.level)), layout.width);
  const readingLines = useMemo(() => {
    if (panel === 'help') return helpLines(table, layout.width);
    if (panel === 'solution') return solutionView();
    return [];
  }, [panel, table, layout.width, snap.level, workshop]);
  const openedRow = opened ? model.rows.find((r) => r.key === opened.row) : undefined;
  const detail = panel === 'bytes' && openedRow ? captureDetail(openedRow, layout.width) : null;
  const shownReading = panel === 'bytes' ? (detail?.lines ?? [[{ text: 'That connection is no longer in the capture; Esc goes back.' }]]) : readingLines;

  const top = scroll.level === snap.level ? scroll.top : 0;
  const textTotal = panel === 'hints' ? hintLines(level.hints, snap.hintsShown, innerWidth).length : instructions.length;
  const scrollText = (delta: number) => setScroll({ level: snap.level, top: clampTop(top + delta, textTotal, innerHeight) });
  const scrollReading = (delta: number) => setReadingTop(clampTop(readingTop + delta, shownReading.length, readingHeight - 1));
  const show = (next: Panel, at = 0) => {
    setPanel(next);
    if (next === 'instructions' || next === 'hints') setScroll({ level: snap.level, top: at });
    else setReadingTop(at);
  };
  const selectedIndex = Math.max(
    0,
    model.lines.findIndex((l) => l.key === selected),
  );
  const current = model.lines.find((l) => l.key === selected) ?? model.lines.at(-1) ?? null;

  const act = (binding: KeyBinding, press: string) => {
    binding.run?.({ session: workshop, level: snap.level, input: press });
    switch (binding.id) {
      case 'hint': {
        const shown = snap.hintsShown + 1;
        // Scroll so the newest hint starts at the top of the panel.
        const before = hintLines(level.hints, shown - 1, innerWidth).length - 2;
        return show('hints', shown > 1 ? Math.max(0, before) : 0);
      }
      case 'solution': {
        const first = solutionView().findIndex((row) => row[1]?.text.startsWith('+'));
        return show('solution', Math.max(0, first - 2));
      }
    }
  };

  const { isRawModeSupported } = useStdin();
  useLatestInput(
    (input, key) => {
      const found = matchKey(table, reading ? 'reading' : 'main', input, key);
      if (found?.binding.id === 'quit') return onQuit();
      if (snap.phase !== 'ready') return;
      if (asking.current) {
        if (input === 'y' || input === 'Y') act(asking.current, input);
        return setQuestion(null);
      }
      if (!found) return;
      const { binding, press } = found;
      const page = press === 'pageUp' || press === 'pageDown';
      const sign = press === 'pageUp' || press === 'upArrow' || press === 'k' ? -1 : 1;
      if (reading) {
        if (binding.id === 'scroll') return scrollReading(sign * (page ? readingHeight - 2 : 1));
        if (binding.id === 'help') return show(panel === 'help' ? 'instructions' : 'help');
        if (binding.id === 'back') return show('instructions', top);
        return;
      }
      if (binding.confirm) return setQuestion(binding);
      switch (binding.id) {
        case 'scroll':
          return scrollText(sign * (page ? innerHeight - 1 : 1));
        case 'select':
          if (focus !== 'capture' || model.lines.length === 0) return scrollText(sign);
          return setSelected(model.lines[Math.max(0, Math.min(model.lines.length - 1, (selected ? selectedIndex : model.lines.length - 1) + sign))]!.key);
        case 'open': {
          if (!current) return;
          const opening = captureDetail(model.rows.find((r) => r.key === current.row)!, layout.width);
          setOpened({ row: current.row, cell: current.cell });
          return show('bytes', current.cell >= 0 ? Math.max(0, opening.sections[current.cell]! - 1) : 0);
        }
        case 'focus':
          setSelected(focus === 'capture' ? null : (model.lines.at(-1)?.key ?? null));
          return setFocus(focus === 'capture' ? 'instructions' : 'capture');
        case 'help':
          return show('help');
        case 'back':
          setSelected(null);
          setFocus('instructions');
          return show('instructions');
        default:
          return act(binding, press);
      }
    },
    { isActive: isRawModeSupported === true },
  );

  if (snap.phase !== 'ready') return <StartupScreen step={snap.step} fatal={snap.fatal} width={layout.width} />;

  const header = (
    <Header
      title="eBPF workshop"
      parts={[snap.file, snap.attachMode ? attachDescription(snap.levels, snap.level, snap.attachMode) : '', `level ${snap.level} of ${snap.levels.length - 1}`]}
    />
  );

  if (reading) {
    const title =
      panel === 'help' ? 'Help' : panel === 'solution' ? `Level ${snap.level} solution: + marks what this level adds` : 'One connection, byte for byte: yours and the expected';
    return (
      <Box flexDirection="column" width={layout.width} height={layout.height}>
        {header}
        <ScrollView title={title} lines={shownReading} top={readingTop} width={layout.width} height={readingHeight} />
        <KeyBar keys={barKeys(table, 'reading')} width={layout.width} />
      </Box>
    );
  }

  const canAdvance = snap.passedLevel === snap.level && snap.level < snap.levels.length - 1;
  return (
    <MainScreen
      snap={snap}
      model={model}
      header={header}
      panel={panel === 'hints' ? 'hints' : 'instructions'}
      instructions={instructions}
      total={textTotal}
      top={top}
      focus={focus}
      selected={focus === 'capture' ? (selected ?? model.lines.at(-1)?.key ?? null) : null}
      keys={barKeys(table, 'main', canAdvance)}
    />
  );
}
