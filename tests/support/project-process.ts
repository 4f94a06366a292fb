import { spawn } from 'node:child_process';
import { REPO_ROOT } from './npm-start';

export interface ProcessOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node -r ./infra/register.js <args>` in the repository (TypeScript as `npm start` and `npm run cli`
 * run it) with `env` over this process's environment, until it exits: its exit code and everything it printed.
 */
export const runProjectProcess = (args: readonly string[], env: NodeJS.ProcessEnv): Promise<ProcessOutcome> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', './infra/register.js', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
