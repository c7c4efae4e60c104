// Why the learner's file is not attached: the first failure at file:line with the code
// around it and a hint, then the other failures one line each, as many as fit.
import { Box, Text } from 'ink';
import type { Problem } from '../../errors/problem.js';
import type { CheckResult } from '../../report/checkReport.js';
import { codeExcerpt } from '../codeExcerpt.js';
import { tone } from '../theme.js';

export interface DiagnosticsProps {
  checks: CheckResult[];
  problem: Problem | null;
  /** The file's text as it was checked. */
  source: string;
  width: number;
  height: number;
}

function where(location: CheckResult['location'] | Problem['location']): string {
  if (!location) return '';
  return `${location.file}:${location.line}${location.column ? `:${location.column}` : ''}  `;
}

export function Diagnostics({ checks, problem, source, width, height }: DiagnosticsProps) {
  const failed = checks.filter((c) => c.status === 'fail');
  const first = failed[0];
  const headline = first
    ? { where: where(first.location), message: first.message, hint: first.hint, location: first.location }
    : problem
      ? { where: where(problem.location), message: problem.message, hint: problem.hint, location: problem.location }
      : null;
  if (!headline) return <Text color={tone('muted')}>nothing to report</Text>;

  const excerpt = headline.location ? codeExcerpt(source, headline.location.line) : [];
  const numberWidth = String(excerpt.at(-1)?.number ?? 0).length;
  const column = headline.location && 'column' in headline.location ? headline.location.column : null;
  const others = failed.slice(1);
  const room = Math.max(0, height - 2 - excerpt.length - (column ? 1 : 0) - (headline.hint ? 1 : 0));

  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate-end">
        <Text color={tone('bad')} bold>✗ {headline.where}</Text>
        <Text>{headline.message}</Text>
      </Text>
      {excerpt.map((line) => (
        <Box key={line.number} flexDirection="column">
          <Text wrap="truncate-end" color={line.target ? undefined : tone('muted')} bold={line.target}>
            {`${line.target ? '▶' : ' '} ${String(line.number).padStart(numberWidth)} │ ${line.text}`}
          </Text>
          {line.target && column ? (
            <Text color={tone('bad')}>{`  ${' '.repeat(numberWidth)} │ ${' '.repeat(Math.max(0, column - 1))}^`}</Text>
          ) : null}
        </Box>
      ))}
      {headline.hint ? (
        <Text wrap="truncate-end" color={tone('info')}>
          {`  hint: ${headline.hint}`}
        </Text>
      ) : null}
      {others.slice(0, room).map((check) => (
        <Text key={check.id} wrap="truncate-end">
          <Text color={tone('bad')}>✗ </Text>
          <Text color={tone('muted')}>{where(check.location)}</Text>
          <Text>{check.message}</Text>
        </Text>
      ))}
      {others.length > room && room > 0 ? <Text color={tone('muted')}>{`  … and ${others.length - room} more`}</Text> : null}
    </Box>
  );
}
