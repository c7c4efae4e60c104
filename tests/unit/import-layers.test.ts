// The shape of src/: its folders are layers, and an import only ever goes down (or sideways,
// within a layer), never up; and no file reaches itself through its imports. Type-only
// imports count too: a type from above ties the lower layer to the higher one all the same.
import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sourceFiles } from '../helpers/sourceFiles.js';

const src = path.resolve(import.meta.dirname, '..', '..', 'src');

/**
 * Top to bottom. A folder may import from its own layer and the layers below it. The root
 * files (cli.ts) belong to the top layer.
 */
const LAYERS: string[][] = [
  ['.', 'commands'],
  ['board'],
  ['app'],
  ['check', 'pipeline'],
  ['diagnose'],
  ['sniffer'],
  ['capture'],
  ['targets'],
  // A track is data the layers above read: the events it sends (capture), the target it
  // watches (targets), the hooks it names (sniffer). Its schema checks hook names (hooks).
  ['tracks'],
  ['hooks'],
  ['kernel'],
  ['engine'],
  ['report'],
  ['c'],
  ['native', 'util', 'errors'],
];

/** `from '…'`, `import '…'` and `import('…')` with a relative specifier, resolved to a file. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers.map((specifier) => {
    const resolved = path.resolve(path.dirname(file), specifier);
    for (const candidate of [resolved.replace(/\.js$/, '.ts'), resolved.replace(/\.js$/, '.tsx'), resolved.replace(/\.js$/, '.d.ts')]) {
      if (files.has(candidate)) return candidate;
    }
    return resolved;
  });
}

const files = new Set(sourceFiles(src));
const relative = (file: string) => path.relative(src, file);
const folderOf = (file: string) => {
  const parts = relative(file).split(path.sep);
  return parts.length === 1 ? '.' : parts[0]!;
};
const layerOf = (folder: string) => LAYERS.findIndex((layer) => layer.includes(folder));
const graph = new Map([...files].map((file) => [file, importsOf(file).filter((target) => files.has(target))]));

t.test('every folder of src/ has its place in the layers', async (t) => {
  const folders = new Set([...files].map(folderOf));
  for (const folder of folders) t.not(layerOf(folder), -1, `${folder}/ is in LAYERS`);
});

t.test('no import goes up a layer', async (t) => {
  const upward: string[] = [];
  for (const [file, targets] of graph) {
    for (const target of targets) {
      const from = layerOf(folderOf(file));
      const to = layerOf(folderOf(target));
      if (to < from) upward.push(`${relative(file)} -> ${relative(target)}`);
    }
  }
  t.same(upward, [], 'no upward import');
});

t.test('no import cycle', async (t) => {
  // Tarjan's strongly connected components: any component of more than one file, or a file
  // importing itself, is a cycle.
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    indices.set(file, index);
    low.set(file, index++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!indices.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, indices.get(target)!));
      }
    }
    if (low.get(file) !== indices.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(relative(member));
    } while (member !== file);
    if (component.length > 1 || graph.get(file)!.includes(file)) cycles.push(component.sort());
  };
  for (const file of graph.keys()) if (!indices.has(file)) visit(file);
  t.same(cycles, [], 'no file reaches itself through its imports');
});

t.test('the reader sees imports of every form', async (t) => {
  const probe = [...files].find((f) => relative(f) === path.join('errors', 'problem.ts'))!;
  t.ok(graph.get(probe)!.some((target) => relative(target) === path.join('errors', 'workshopError.ts')), 'errors/problem.ts imports errors/workshopError.ts');
  t.ok(graph.size > 50, `${graph.size} files read`);
});
