// A window of rendered Markdown lines: `top` is the first line shown.
import { Box, Text } from 'ink';
import type { Line, Span } from '../markdown.js';
import { tone } from '../theme.js';

function SpanText({ span }: { span: Span }) {
  switch (span.kind) {
    case 'heading':
      return <Text bold color={tone('info')}>{span.text}</Text>;
    case 'strong':
      return <Text bold>{span.text}</Text>;
    case 'code':
      return <Text color={tone('code')}>{span.text}</Text>;
    case 'codeBlock':
      return <Text color={tone('code')} dimColor={!tone('code')}>{span.text}</Text>;
    case 'marker':
      return <Text color={tone('muted')}>{span.text}</Text>;
    default:
      return <Text>{span.text}</Text>;
  }
}

export interface MarkdownViewProps {
  lines: Line[];
  top: number;
  height: number;
}

export function MarkdownView({ lines, top, height }: MarkdownViewProps) {
  const shown = lines.slice(top, top + height);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {shown.map((line, i) => (
        <Text key={top + i} wrap="truncate">
          {line.length === 0 ? ' ' : line.map((span, j) => <SpanText key={j} span={span} />)}
        </Text>
      ))}
    </Box>
  );
}
