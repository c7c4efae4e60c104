// "Did you mean …?" for misspelt names: a map (`active_accept_arg_map`), a hook
// (`syscall__probe_entry_acept4`), a helper (`bpf_get_current_pid_tigd`), a field.
//
// The distance is Damerau-Levenshtein in its "optimal string alignment" form: insertions,
// deletions, substitutions and swaps of two neighbouring letters each cost 1. Swaps matter
// here: `tigd` for `tgid` is one slip of the fingers, not two.

/** How many single-letter edits (insert, delete, substitute, swap neighbours) turn a into b. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rows are enough: a swap looks two rows back.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, before[j - 2]! + 1);
      }
      current[j] = best;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length]!;
}

/**
 * The most edits a suggestion may be away from what was typed: about a third of the word,
 * at least 1 and at most 3, so `fd` may become `id` but `ret` never becomes `buf`, and a long
 * name is not "corrected" into a different long name (`active_write_args_map` is not a
 * misspelling of `active_read_args_map`).
 */
export function suggestionBudget(word: string): number {
  return Math.min(3, Math.max(1, Math.floor(word.length / 3)));
}

export interface SuggestOptions {
  /** Overrides suggestionBudget(word). */
  maxDistance?: number;
}

/**
 * The candidate closest to `word`, if one is close enough; undefined when nothing is, or when
 * `word` itself is a candidate (nothing to correct). Case is ignored when measuring, so
 * `Active_accept_args_map` still finds its map. Ties go to the candidate listed first, so
 * callers list the likeliest names (the learner's own) before the rest.
 */
export function didYouMean(word: string, candidates: Iterable<string>, options: SuggestOptions = {}): string | undefined {
  const budget = options.maxDistance ?? suggestionBudget(word);
  const typed = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) return undefined;
    // Lengths alone rule most candidates out before the quadratic work.
    if (Math.abs(candidate.length - word.length) > budget) continue;
    const distance = editDistance(typed, candidate.toLowerCase());
    if (distance <= budget && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
