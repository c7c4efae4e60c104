// A C file shown with line numbers, a window of it at a time (the solution of a level).
import { Box, Text } from 'ink';
import { tone } from '../theme.js';

export interface CodeViewProps {
  title: string;
  code: string;
  top: number;
  width: number;
  height: number;
}

export function CodeView({ title, code, top, width, height }: CodeViewProps) {
  const lines = code.replace(/\t/g, '  ').split('\n');
  const numberWidth = String(lines.length).length;
  const bodyHeight = Math.max(1, height - 1);
  const from = Math.max(0, Math.min(top, lines.length - bodyHeight));
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold color={tone('info')} wrap="truncate-end">
        {`${title}  (lines ${from + 1}–${Math.min(lines.length, from + bodyHeight)} of ${lines.length}; PgUp/PgDn, Esc to close)`}
      </Text>
      {lines.slice(from, from + bodyHeight).map((line, i) => (
        <Text key={from + i} wrap="truncate-end">
          <Text color={tone('muted')}>{`${String(from + i + 1).padStart(numberWidth)} │ `}</Text>
          <Text color={tone('code')}>{line}</Text>
        </Text>
      ))}
    </Box>
  );
}
