import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '@claims/platform';
import { makeDataParent, REPO_ROOT, startNpmStart, type StartedService } from '../support/npm-start';

export interface ConsoleServer {
  base: string;
  service: StartedService;
  dataParent: string;
  /** A new key of this role, by name. */
  createKey(name: string, role: string): Promise<{ id: string; secret: string }>;
}

/** `npm start` on an empty data folder (as a newcomer runs it), with the admin key its first start printed. */
export const startConsoleServer = async (): Promise<ConsoleServer & { adminKey: string }> => {
  const dataParent = makeDataParent('claim-ledger-console-');
  const port = await freePort();
  const service = startNpmStart({ PORT: String(port), DATA_DIR: path.join(dataParent, 'data'), KAFKA_BROKERS: process.env.TEST_KAFKA_BROKERS ?? process.env.KAFKA_BROKERS }, /admin key: clk_\S+/);
  await service.ready;
  const adminKey = /admin key: (clk_\S+)/.exec(service.output())![1];
  const base = `http://127.0.0.1:${port}`;
  const createKey = async (name: string, role: string) => {
    const response = await fetch(`${base}/admin/api-keys`, { method: 'POST', headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name, role }) });
    if (response.status !== 201) throw new Error(`creating a ${role} key answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as { id: string; secret: string };
    return { id: body.id, secret: body.secret };
  };
  return { base, service, dataParent, adminKey, createKey };
};

/** `npm run seed` with the Sahel dataset, through the public API. */
export const seedSahel = (base: string, key: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'seed', '--silent', '--', '--url', base, '--key', key], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`seed exited with ${code}:\n${output}`))));
  });
