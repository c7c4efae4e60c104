// The instructor's screen: a log of what solution.c captures (printed once, in <Static>,
// so the terminal scrolls it like any output) above a live footer with the level and keys.
import { Box, Static, Text, useStdin } from 'ink';
import { useLatestInput } from '../hooks/useLatestInput.js';
import Spinner from 'ink-spinner';
import type { DemoSession } from '../demo.js';
import { useStore } from '../hooks/useStore.js';
import { useTerminalSize } from '../hooks/useTerminalSize.js';
import { trafficBarLines } from '../trafficBar.js';
import { tone } from '../theme.js';
import { DemoItemView } from './DemoItemView.js';
import { KeyBar } from './KeyBar.js';
import { StartupScreen } from './StartupScreen.js';
import { TrafficBar } from './TrafficBar.js';

export interface DemoAppProps {
  demo: Pick<DemoSession, 'store' | 'setLevel' | 'traffic'>;
  onQuit: () => void;
}

export function DemoApp({ demo, onQuit }: DemoAppProps) {
  const snap = useStore(demo.store);
  const { columns } = useTerminalSize();

  const { isRawModeSupported } = useStdin();
  useLatestInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) return onQuit();
    if (snap.phase !== 'ready') return;
    if (key.leftArrow) return demo.setLevel(snap.level - 1);
    if (key.rightArrow) return demo.setLevel(snap.level + 1);
    if (/^[0-9]$/.test(input)) return demo.setLevel(Number(input));
    if (input === 'a' || input === ' ') return demo.traffic.toggleAuto();
    if (input === 'r') return void demo.traffic.sendOne();
    if (input === '+' || input === '=') return demo.traffic.resize(1);
    if (input === '-') return demo.traffic.resize(-1);
  }, { isActive: isRawModeSupported === true });

  if (snap.phase !== 'ready') return <StartupScreen step={snap.step} fatal={snap.fatal} width={80} />;
  const level = snap.levels[snap.level]!;
  return (
    <>
      <Static key={snap.epoch} items={snap.items}>
        {(item) => <DemoItemView key={item.id} item={item} />}
      </Static>
      <Box flexDirection="column" marginTop={1}>
        <Text>
          <Text bold inverse color={tone('accent')}>{` eBPF workshop demo · level ${snap.level} of ${snap.levels.length - 1}: ${level.title} `}</Text>
          {snap.attaching ? (
            <Text color={tone('info')}>
              {'  '}
              <Spinner type="dots" /> attaching solution.c…
            </Text>
          ) : null}
          {snap.problem ? <Text color={tone('bad')}>{`  ✗ ${snap.problem}`}</Text> : null}
        </Text>
        <TrafficBar lines={trafficBarLines({ server: snap.server, lost: 0, ...snap.traffic }, columns)} width={columns} />
        <KeyBar
          keys={[
            { key: '←/→', label: 'level' },
            { key: 'a', label: snap.traffic.auto ? 'pause traffic' : 'resume traffic' },
            { key: 'r', label: 'one request' },
            { key: '+/-', label: 'size' },
            { key: 'q', label: 'quit' },
          ]}
        />
      </Box>
    </>
  );
}
