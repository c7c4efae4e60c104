// The hints revealed so far for the level, newest last: a nudge, then the idea, then the code.
import { Box, Text } from 'ink';
import { inlineSpans, lineText, wrapSpans } from '../markdown.js';
import { tone } from '../theme.js';

export interface HintLine {
  text: string;
  kind: 'prose' | 'code' | 'note';
}

/** The revealed hints as lines no wider than `width`; code lines kept as written (cut if too long). */
export function hintLines(hints: string[], shown: number, width: number): HintLine[] {
  const w = Math.max(10, width);
  const lines: HintLine[] = [];
  const prose = (text: string) => {
    for (const line of wrapSpans(inlineSpans(text.replace(/`/g, '')), w, '  ')) lines.push({ text: lineText(line), kind: 'prose' });
  };
  hints.slice(0, shown).forEach((hint, i) => {
    if (i > 0) lines.push({ text: '', kind: 'prose' });
    const [first, ...code] = hint.split('\n');
    prose(`Hint ${i + 1} of ${hints.length}: ${first}`);
    for (const line of code) lines.push({ text: `  ${line}`.slice(0, w), kind: 'code' });
  });
  lines.push({ text: '', kind: 'note' });
  lines.push({
    text: shown < hints.length ? `h: the next hint (${hints.length - shown} more)` : 'That is every hint. s shows the whole solution of this level.',
    kind: 'note',
  });
  return lines;
}

export interface HintsPanelProps {
  hints: string[];
  shown: number;
  top: number;
  width: number;
  height: number;
}

export function HintsPanel({ hints, shown, top, width, height }: HintsPanelProps) {
  const lines = hintLines(hints, shown, width).slice(top, top + height);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {lines.map((line, i) => (
        <Text key={top + i} wrap="truncate-end" color={line.kind === 'code' ? tone('code') : line.kind === 'note' ? tone('muted') : undefined}>
          {line.text || ' '}
        </Text>
      ))}
    </Box>
  );
}
