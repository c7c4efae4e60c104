// Reads tap's TAP stream line by line and keeps each failed assertion with the subtests it sits
// in and its YAML diagnostic (message, found, wanted, where), so the failures can be printed
// again after the stream. Only the deepest failure of a chain is kept: a failed assertion also
// fails every subtest around it, and those lines would only repeat its path.
const MAX_DIAGNOSTIC_LINES = 40;

export class FailureCollector {
  #partial = '';
  #subtests = []; // [{ indent, name }]
  #failures = []; // [{ path, line, diagnostic: [] }]
  #open = null; // the failure whose YAML block is being read
  #inYaml = false;

  push(text) {
    const lines = (this.#partial + text).split('\n');
    this.#partial = lines.pop();
    for (const line of lines) this.#line(line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, ''));
  }

  report() {
    if (this.#partial) this.#line(this.#partial), (this.#partial = '');
    const deepest = this.#failures.filter((failure) => !this.#failures.some((other) => other !== failure && isInside(other.path, failure)));
    return deepest
      .map((failure) => [`  ✗ ${[...failure.path, failure.line].join(' › ')}`, ...failure.diagnostic.map((d) => `      ${d}`)].join('\n'))
      .join('\n');
  }

  #line(line) {
    const indent = line.length - line.trimStart().length;
    const body = line.trim();
    if (this.#inYaml) {
      if (body === '...' && indent === this.#open?.yamlIndent) this.#inYaml = false;
      else if (this.#open && this.#open.diagnostic.length < MAX_DIAGNOSTIC_LINES) this.#open.diagnostic.push(line.slice(this.#open.yamlIndent));
      return;
    }
    if (body === '---' && this.#open) {
      this.#inYaml = true;
      this.#open.yamlIndent = indent;
      return;
    }
    this.#open = null;
    const subtest = /^# Subtest: (.*)$/.exec(body);
    if (subtest) {
      this.#subtests = this.#subtests.filter((s) => s.indent < indent);
      this.#subtests.push({ indent, name: subtest[1] });
      return;
    }
    const failed = /^not ok \d+ - (.*?)(?: # time=.*)?$/.exec(body) ?? /^not ok \d+$/.exec(body);
    if (failed && !/ # TODO\b/i.test(body)) { // a todo that fails is not a failure
      const path = this.#subtests.filter((s) => s.indent <= indent - 4).map((s) => s.name);
      this.#open = { path, line: failed[1] ?? '(no name)', diagnostic: [], yamlIndent: 0 };
      this.#failures.push(this.#open);
    }
  }
}

// A subtest's own "not ok" line carries the subtest's name, which is on the path of the
// assertions that failed inside it.
function isInside(innerPath, outer) {
  const outerPath = [...outer.path, outer.line];
  return innerPath.length >= outerPath.length && outerPath.every((name, i) => innerPath[i] === name);
}
