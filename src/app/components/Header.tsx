// The top line: what is running where.
import { Text } from 'ink';
import { tone } from '../theme.js';

export function Header({ title, parts }: { title: string; parts: string[] }) {
  return (
    <Text wrap="truncate-end">
      <Text bold color={tone('accent')} inverse={!tone('accent')}>{` ${title} `}</Text>
      <Text color={tone('muted')}>{parts.filter(Boolean).map((p) => `  ${p}`).join('')}</Text>
    </Text>
  );
}
