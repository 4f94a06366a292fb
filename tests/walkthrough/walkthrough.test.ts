import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const WALKTHROUGH = path.join(ROOT, 'docs', 'walkthrough.md');

interface Block {
  info: string;
  code: string;
}

/** The fenced shell blocks of the walkthrough, in order: ```sh (run by the script) and ```sh server. */
const shellBlocks = (markdown: string): Block[] =>
  [...markdown.matchAll(/```(sh[^\n]*)\n([\s\S]*?)```/g)].map((match) => ({ info: match[1].trim(), code: match[2] }));

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

const run = (command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; output: string }> =>
  new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });

/**
 * Runs docs/walkthrough.md as a newcomer would: `npm start` on an empty data folder (embedded PostgreSQL,
 * the test's Kafka broker), then every shell block, in order, in one bash session. Only two things are
 * substituted: the port (3000 may be taken) and the admin key that the first start printed.
 */
describe('docs/walkthrough.md', () => {
  let server: ChildProcess | undefined;
  let parent: string;

  beforeAll(() => {
    parent = mkdtempSync(path.join(tmpdir(), 'claim-ledger-walkthrough-'));
    chmodSync(parent, 0o755); // as root, the embedded server runs as the postgres user
  });
  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      process.kill(-server.pid!, 'SIGTERM');
      await exited;
    }
    rmSync(parent, { recursive: true, force: true });
  });

  it('runs from npm start to a verified log, and every step shows what the text says', async () => {
    const blocks = shellBlocks(readFileSync(WALKTHROUGH, 'utf8'));
    const [serverBlock, ...scriptBlocks] = blocks;
    expect(serverBlock).toEqual({ info: 'sh server', code: 'npm ci && npm start\n' });
    expect(scriptBlocks.every((block) => block.info === 'sh')).toBe(true);

    const port = await freePort();
    const dataDir = path.join(parent, 'data');
    const brokers = process.env.TEST_KAFKA_BROKERS ?? process.env.KAFKA_BROKERS;
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', KAFKA_BROKERS: brokers };
    delete env.DATABASE_URL;

    // `npm ci` already ran (this is the test suite); the service starts as the block says.
    server = spawn('npm', ['start', '--silent'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let serverOutput = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        serverOutput += chunk.toString();
        if (/admin key: clk_\S+/.test(serverOutput)) resolve();
      };
      server!.stdout!.on('data', onData);
      server!.stderr!.on('data', onData);
      server!.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${serverOutput}`)));
    });
    const adminKey = /admin key: (clk_\S+)/.exec(serverOutput)![1];

    const script = [
      'set -euo pipefail',
      ...scriptBlocks.map((block, index) => `echo "=== step ${index + 1}"\n${block.code}`),
      'echo "=== done"',
    ]
      .join('\n')
      .replaceAll('http://localhost:3000', `http://localhost:${port}`)
      .replaceAll('<the admin key npm start printed>', adminKey);
    const { code, output } = await run('bash', ['-c', script], env, 240_000);
    if (code !== 0) throw new Error(`the walkthrough failed (exit ${code}):\n${output}`);

    const steps = output.split(/^=== step \d+\n/m).slice(1);
    const [keys, seed, kalamba, feed, kafka, history, asOf, verify] = steps;
    expect(keys.trim()).toBe('');
    expect(seed).toMatch(/80 steps, 80 created, 0 already present/);
    // Step 4: one self-interested voice, relayed: unverified, and every discount explained.
    expect(kalamba).toMatch(/Islamic State media network/);
    expect(kalamba).toMatch(/self-interested/);
    expect(kalamba).toMatch(/retracted/);
    expect(kalamba).toMatch(/Computed status unverified/);
    // Step 5: the stream announced changes for this claim, with their causes.
    const events = feed.match(/^event: claim\.status-changed\.v1$/gm) ?? [];
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(feed).toMatch(/"eventType":"ClaimCorroborated"|"eventType":"ClaimDisputed"/);
    expect(feed).toMatch(/Sahel field monitor/);
    if (brokers) expect(kafka.trim().split('\n').length).toBeGreaterThanOrEqual(1);
    if (brokers) expect(kafka).toMatch(/ce_type=.*claim\.status-changed\.v1/);
    // Step 6: every event with who did it and the assessment after it.
    expect(history).toMatch(/ClaimAsserted\s+Walkthrough editor/);
    expect(history).toMatch(/ClaimCorroborated\s+Walkthrough editor/);
    expect(history).toMatch(/ClaimDisputed\s+Walkthrough editor/);
    // Step 7: before the dispute, recomputed from the log with a named model; now, the dispute counts.
    expect(asOf).toMatch(/"recomputed": true/);
    expect(asOf).toMatch(/"modelVersion": "assessment-model-v1"/);
    const [, statusThen, statusNow] = asOf.trim().split('\n').slice(-3);
    expect(statusThen).not.toBe(statusNow);
    // Step 8: the log verifies, over HTTP and from the command line, and matches the checkpoint just taken.
    expect(verify).toMatch(/^log intact up to position \d+-\d+/m);
    expect(verify).toMatch(/^true$/m);
    expect(verify.match(/log intact up to position/g)?.length).toBe(2);
  });
});
