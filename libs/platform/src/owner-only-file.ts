import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StartupProblem } from './startup-problem';

/**
 * Reads a secret file that must be owner-only (no group or other bits): the audit signing key and the
 * data-key encryption key both live in one. Refusals are {@link StartupProblem}s naming the variable.
 */
export const readOwnerOnlyFile = async (file: string, variable: string, howToCreate: string): Promise<string> => {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new StartupProblem(`${variable}: cannot read ${file} (${error.code ?? error.message}); ${howToCreate}`);
  });
  const mode = (await stat(file)).mode & 0o777;
  if ((mode & 0o077) !== 0) throw new StartupProblem(`${variable}: ${file} is readable by others (mode ${mode.toString(8)}); \`chmod 600 ${file}\``);
  return text;
};

/**
 * Creates the file (0600) with `content` unless it exists; concurrent first starts keep one (`wx`).
 * The content is made by the caller only when needed, so an existing key is never regenerated.
 */
export const createOwnerOnlyFileOnce = async (file: string, content: () => string): Promise<void> => {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content(), { mode: 0o600, flag: 'wx' }).then(
    () => chmod(file, 0o600),
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    },
  );
};
