import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/** The review console's sources (a Vite app) and the folder its build lands in, served at /console. */
export const CONSOLE_ROOT = path.join(__dirname, '..', '..', '..', 'console');
export const CONSOLE_DIST = path.join(CONSOLE_ROOT, 'dist');
const INPUTS = ['index.html', 'vite.config.mts', 'tsconfig.json', 'src'];

const newestInput = (entry: string): number => {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(entry).map((name) => newestInput(path.join(entry, name))));
};

/** True when `dist` is missing or older than any source file of the console. */
export const consoleBuildIsStale = (): boolean => {
  const built = path.join(CONSOLE_DIST, 'index.html');
  if (!existsSync(built)) return true;
  const sources = Math.max(...INPUTS.map((input) => path.join(CONSOLE_ROOT, input)).filter(existsSync).map(newestInput));
  return statSync(built).mtimeMs < sources;
};

/**
 * Builds the console with Vite when its build is missing or stale (`npm start`'s prestart and the test
 * setup call this, so a fresh clone needs no extra step). It builds into a folder of its own and then
 * swaps it in, so a server already serving `dist` never sees a half-written build.
 */
export const ensureConsoleBuilt = (options: { force?: boolean; log?: (line: string) => void } = {}): boolean => {
  if (!options.force && !consoleBuildIsStale()) return false;
  const staging = path.join(CONSOLE_ROOT, `.dist-${process.pid}`);
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  options.log?.('building the review console (vite build apps/console)');
  const result = spawnSync(process.execPath, [vite, 'build', CONSOLE_ROOT, '--outDir', staging, '--emptyOutDir'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
  });
  if (result.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`vite build of the review console failed (exit ${result.status ?? result.signal})`);
  }
  const previous = path.join(CONSOLE_ROOT, `.dist-old-${process.pid}`);
  if (existsSync(CONSOLE_DIST)) renameSync(CONSOLE_DIST, previous);
  renameSync(staging, CONSOLE_DIST);
  rmSync(previous, { recursive: true, force: true });
  return true;
};
