// The keys, always on screen; what a key does now comes first. Where the line is too
// narrow for it all, the spacing and then the labels shrink, so `q quit` stays visible.
import { Text } from 'ink';
import { tone } from '../theme.js';

export interface KeyHint {
  key: string;
  label: string;
  /** A shorter label for narrow terminals. */
  short?: string;
}

/** The separator and labels that fit in `width` (the shortest form if none does). */
export function fitKeys(keys: KeyHint[], width: number): { gap: string; labels: string[] } {
  const length = (gap: string, labels: string[]) => keys.reduce((n, k, i) => n + k.key.length + 1 + labels[i]!.length, 0) + gap.length * (keys.length - 1);
  const full = keys.map((k) => k.label);
  const short = keys.map((k) => k.short ?? k.label);
  for (const [gap, labels] of [['  ', full], [' ', full], [' ', short]] as const) {
    if (length(gap, labels) <= width) return { gap, labels };
  }
  return { gap: ' ', labels: short };
}

export function KeyBar({ keys, width = 200 }: { keys: KeyHint[]; width?: number }) {
  const { gap, labels } = fitKeys(keys, width);
  return (
    <Text wrap="truncate-end">
      {keys.map((k, i) => (
        <Text key={k.key}>
          {i > 0 ? gap : ''}
          <Text bold color={tone('accent')} inverse={!tone('accent')}>
            {k.key}
          </Text>
          <Text color={tone('muted')}>{` ${labels[i]}`}</Text>
        </Text>
      ))}
    </Text>
  );
}
