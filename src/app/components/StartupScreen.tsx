// While the kernel is prepared and the server starts: a spinner and the step. A startup
// failure is shown as a Problem (what happened, what to do), never a stack.
import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { Problem } from '../../errors/problem.js';
import { tone } from '../theme.js';

export function StartupScreen({ step, fatal, width }: { step: string; fatal: Problem | null; width: number }) {
  if (fatal) return <ProblemView problem={fatal} width={width} />;
  return (
    <Box width={width}>
      <Text color={tone('info')}>
        <Spinner type="dots" />
      </Text>
      <Text>{` ${step}…`}</Text>
    </Box>
  );
}

export function ProblemView({ problem, width }: { problem: Problem; width: number }) {
  const where = problem.location ? `${problem.location.file}:${problem.location.line}: ` : '';
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="wrap">
        <Text color={tone('bad')} bold>✗ </Text>
        {`${where}${problem.message}`}
      </Text>
      {problem.hint ? <Text wrap="wrap" color={tone('info')}>{`  ${problem.kind === 'environment' ? 'fix' : 'hint'}: ${problem.hint}`}</Text> : null}
    </Box>
  );
}
