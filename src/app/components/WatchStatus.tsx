// One line: what the watch loop is doing with the learner's file.
import { Text } from 'ink';
import Spinner from 'ink-spinner';
import type { WatchState } from '../watchMachine.js';
import type { WatchMode } from '../fileWatcher.js';
import { tone } from '../theme.js';

export interface WatchStatusProps {
  file: string;
  watch: WatchState;
  level: number;
  attaches: boolean;
  watchMode: WatchMode;
  watchNote: string;
}

export function WatchStatus({ file, watch, level, attaches, watchMode, watchNote }: WatchStatusProps) {
  const polling = watchMode === 'polling' ? <Text color={tone('warn')}>{`  (${watchNote})`}</Text> : null;
  switch (watch.status) {
    case 'idle':
      return <Text color={tone('muted')}>waiting for {file}…{polling}</Text>;
    case 'compiling':
      return (
        <Text wrap="truncate-end">
          <Text color={tone('info')}>
            <Spinner type="dots" />
          </Text>
          {` checking ${file} at level ${level} (${watch.reason})…`}
          {polling}
        </Text>
      );
    case 'attached': {
      const passed = watch.checks.filter((c) => c.status === 'pass').length;
      const what = attaches ? 'compiled, verified and attached' : 'compiled and accepted by the verifier (level 0 attaches nothing)';
      return (
        <Text wrap="truncate-end">
          <Text color={tone('ok')} bold>✓ </Text>
          {`${file}: ${what} — ${passed} checks pass`}
          {polling}
        </Text>
      );
    }
    case 'broken': {
      const failed = watch.checks.filter((c) => c.status === 'fail').length;
      return (
        <Text wrap="truncate-end">
          <Text color={tone('bad')} bold>✗ </Text>
          {`${file}: ${failed > 0 ? `${failed} problem${failed > 1 ? 's' : ''}` : 'could not be attached'} — fix and save; it is checked again`}
          {polling}
        </Text>
      );
    }
  }
}
