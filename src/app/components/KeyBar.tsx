// The keys, always on screen; what a key does now comes first. Where the line is too
// narrow for it all, the spacing and then the labels shrink, then the least needed keys
// leave (the help overlay still lists them), so `q quit` stays visible.
import { Text } from 'ink';
import { tone } from '../theme.js';

export interface KeyHint {
  key: string;
  label: string;
  /** A shorter label for narrow terminals. */
  short?: string;
  /** The higher, the longer it stays on a narrow bar. */
  bar?: number;
}

/** The separator and labels that fit in `width` (the shortest form if none does). */
export function fitKeys(keys: KeyHint[], width: number): { gap: string; labels: string[] } {
  const full = keys.map((k) => k.label);
  const short = keys.map((k) => k.short ?? k.label);
  for (const [gap, labels] of [['  ', full], [' ', full], [' ', short]] as const) {
    if (barWidth(keys, gap, labels) <= width) return { gap, labels };
  }
  return { gap: ' ', labels: short };
}

/** The bar's width with these labels and this separator. */
function barWidth(keys: KeyHint[], gap: string, labels: string[]): number {
  return keys.reduce((n, k, i) => n + k.key.length + 1 + labels[i]!.length, 0) + gap.length * (keys.length - 1);
}

function barLength(keys: KeyHint[], width: number): number {
  const { gap, labels } = fitKeys(keys, width);
  return barWidth(keys, gap, labels);
}

/** Keys below this leave before the labels shrink; the others stay as long as short labels fit. */
const DISPENSABLE = 60;

/** The keys that fit in `width`: the least needed leave first. */
export function keysThatFit(keys: KeyHint[], width: number): KeyHint[] {
  const fullFits = (shown: KeyHint[]) => fitKeys(shown, width).labels.every((label, i) => label === shown[i]!.label) && barLength(shown, width) <= width;
  const dropLeast = (shown: KeyHint[], below: number) => {
    const least = shown.reduce((low, k) => ((k.bar ?? 0) < (low.bar ?? 0) ? k : low));
    return (least.bar ?? 0) < below ? shown.filter((k) => k !== least) : shown;
  };
  let shown = keys;
  while (!fullFits(shown)) {
    const fewer = dropLeast(shown, DISPENSABLE);
    if (fewer === shown) break;
    shown = fewer;
  }
  while (shown.length > 1 && barLength(shown, width) > width) shown = dropLeast(shown, Infinity);
  return shown;
}

export function KeyBar({ keys: all, width = 200 }: { keys: KeyHint[]; width?: number }) {
  const keys = keysThatFit(all, width);
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
