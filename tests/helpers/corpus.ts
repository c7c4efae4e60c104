// The broken corpus says each learner mistake as edits of the step file it was made from:
// a reader sees the mistake itself rather than a whole copy to diff, and when a step file
// changes under an edit the test says which entry to fix instead of testing a stale copy.

/** One change: `find` occurs exactly once in the text it applies to, and becomes `replace`. */
export interface TextEdit {
  find: string;
  replace: string;
}

/**
 * The text after each edit in turn. `entry` names what the edits make (the corpus file) and
 * `from` the file they apply to; both are in the error thrown when a `find` is not in the
 * text, or is there more than once.
 */
export function applyEdits(text: string, edits: readonly TextEdit[], entry: string, from: string): string {
  return edits.reduce((current, { find, replace }, index) => {
    const at = current.indexOf(find);
    const again = at < 0 ? -1 : current.indexOf(find, at + 1);
    if (at < 0 || again >= 0) {
      const where = `${at < 0 ? 'is not in' : 'occurs more than once in'} ${from}${index > 0 ? ' (after the edits before it)' : ''}`;
      throw new Error(
        `${entry}: edit ${index + 1} looks for ${JSON.stringify(find)}, which ${where}; ` +
          `change its find text in the corpus manifest so that it occurs exactly once.`,
      );
    }
    return current.slice(0, at) + replace + current.slice(at + find.length);
  }, text);
}
