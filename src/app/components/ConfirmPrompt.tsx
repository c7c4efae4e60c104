// A yes/no question on one line; the app routes y / anything else.
import { Text } from 'ink';
import { tone } from '../theme.js';

export function ConfirmPrompt({ question }: { question: string }) {
  return (
    <Text wrap="truncate-end">
      <Text color={tone('warn')} bold>? </Text>
      {question}
      <Text bold>{'  y'}</Text>
      <Text color={tone('muted')}>{' yes, any other key: no'}</Text>
    </Text>
  );
}
