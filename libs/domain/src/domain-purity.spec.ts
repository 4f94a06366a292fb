import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The domain is pure: no framework, no I/O, no clock, no randomness (tests may use what they like). */
const FORBIDDEN = [
  /from '@nestjs\//,
  /from 'pg'/,
  /from 'kafkajs'/,
  /from '(node:)?crypto'/,
  /from '(node:)?fs'/,
  /from '@claims\/event-store'/,
  /Date\.now\(/,
  /new Date\(\)/,
  /Math\.random\(/,
  /randomUUID/,
];

const sourceFiles = (directory: string): string[] =>
  readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? entry.name === 'testing'
        ? []
        : sourceFiles(join(directory, entry.name))
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')
        ? [join(directory, entry.name)]
        : [],
  );

it('libs/domain imports no framework or I/O and reads no clock or randomness', () => {
  const files = sourceFiles(__dirname);
  expect(files.length).toBeGreaterThan(5);
  const violations = files.flatMap((file) =>
    FORBIDDEN.filter((pattern) => pattern.test(readFileSync(file, 'utf8'))).map(
      (pattern) => `${relative(__dirname, file)}: ${pattern}`,
    ),
  );
  expect(violations).toEqual([]);
});
