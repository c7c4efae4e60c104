// One line: has the level passed? If not, the first live check that fails, and what to do.
import { Text } from 'ink';
import type { LiveVerdict as Verdict } from '../workshopSession.js';
import { tone } from '../theme.js';

export interface LiveVerdictProps {
  level: number;
  lastLevel: number;
  attached: boolean;
  attaches: boolean;
  live: Verdict;
  passedLevel: number | null;
  notice: string | null;
}

export function LiveVerdict({ level, lastLevel, attached, attaches, live, passedLevel, notice }: LiveVerdictProps) {
  if (passedLevel === level) {
    const next = level < lastLevel ? `press n for level ${level + 1}` : 'that was the last level: your sniffer is complete';
    return (
      <Text wrap="truncate-end" color={tone('ok')} bold inverse={!tone('ok')}>
        {`★ Level ${level} passed! ${next}`}
      </Text>
    );
  }
  if (notice) return <Text wrap="truncate-end" color={tone('info')}>{notice}</Text>;
  if (!attached) return <Text color={tone('muted')}> </Text>;
  if (!attaches) return <Text color={tone('muted')}>level 0 passes when your file compiles and the verifier accepts it</Text>;
  const failing = live.checks.find((c) => c.status === 'fail');
  if (!failing) return <Text color={tone('muted')} wrap="truncate-end">send a request (r) to see your sniffer at work; the level passes when it captures what Expected does</Text>;
  return (
    <Text wrap="truncate-end">
      <Text color={tone('warn')}>not yet: </Text>
      {failing.message}
      {failing.hint ? <Text color={tone('muted')}>{` — ${failing.hint}`}</Text> : null}
    </Text>
  );
}
