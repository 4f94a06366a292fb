import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The assessment keeps no state between calls: a module-level Map, Set or array that a call fills would
 * make a result depend on earlier calls (and on the process that made them), and rebuilds and time travel
 * must compute exactly what the live projection did.
 */
it('no assessment module holds a module-level cache', () => {
  const files = readdirSync(__dirname).filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'));
  expect(files.length).toBeGreaterThanOrEqual(8);
  const caches = files.flatMap((name) =>
    readFileSync(path.join(__dirname, name), 'utf8')
      .split('\n')
      .map((line, index) => ({ line, at: `${name}:${index + 1}` }))
      // Top-level declarations only: indentation marks anything inside a function.
      .filter(({ line }) => /^(export )?(const|let|var) \w+(: [^=]+)? = (new (Map|Set|WeakMap|WeakSet|Array)\b|\[\])/.test(line) || /^let /.test(line))
      .map(({ at, line }) => `${at}: ${line.trim()}`),
  );
  expect(caches).toEqual([]);
});
