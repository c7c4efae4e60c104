// The keys, always on screen; what a key does now comes first.
import { Box, Text } from 'ink';
import { tone } from '../theme.js';

export interface KeyHint {
  key: string;
  label: string;
}

export function KeyBar({ keys }: { keys: KeyHint[] }) {
  return (
    <Box>
      <Text wrap="truncate-end">
        {keys.map((k, i) => (
          <Text key={k.key}>
            {i > 0 ? '  ' : ''}
            <Text bold color={tone('accent')} inverse={!tone('accent')}>
              {k.key}
            </Text>
            <Text color={tone('muted')}>{` ${k.label}`}</Text>
          </Text>
        ))}
      </Text>
    </Box>
  );
}
