import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CURRENT_ASSESSMENT_MODEL } from '@claims/domain';
import { freePort } from '@claims/platform';
import { makeDataParent, REPO_ROOT as ROOT, startNpmStart, type StartedService } from '../support/npm-start';
const WALKTHROUGH = path.join(ROOT, 'docs', 'walkthrough.md');
/** The dataset step 3 loads: its step count is what `npm run seed` reports. */
const SEED_STEPS = (JSON.parse(readFileSync(path.join(ROOT, 'infra', 'seed', 'sahel-2019-2023.json'), 'utf8')) as { steps: unknown[] }).steps.length;

interface Block {
  info: string;
  code: string;
}

/** The fenced shell blocks of the walkthrough, in order: ```sh (run by the script) and ```sh server. */
const shellBlocks = (markdown: string): Block[] =>
  [...markdown.matchAll(/```(sh[^\n]*)\n([\s\S]*?)```/g)].map((match) => ({ info: match[1].trim(), code: match[2] }));

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
  let server: StartedService | undefined;
  let parent: string;

  beforeAll(() => {
    parent = makeDataParent('claim-ledger-walkthrough-');
  });
  afterAll(async () => {
    await server?.stop();
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
    server = startNpmStart(env, /admin key: clk_\S+/);
    await server.ready;
    const adminKey = /admin key: (clk_\S+)/.exec(server.output())![1];

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
    const [keys, seed, kalamba, feed, kafka, history, asOf, verify, reported, consolePage, confidential] = steps;
    expect(keys.trim()).toBe('');
    expect(seed).toContain(`${SEED_STEPS} steps, ${SEED_STEPS} created, 0 already present`);
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
    expect(asOf).toContain(`"modelVersion": "${CURRENT_ASSESSMENT_MODEL.modelVersion}"`);
    const [, statusThen, statusNow] = asOf.trim().split('\n').slice(-3);
    expect(statusThen).not.toBe(statusNow);
    // Step 8: the log verifies, over HTTP and from the command line, and matches the checkpoint just taken.
    expect(verify).toMatch(/^log intact up to position \d+-\d+/m);
    expect(verify).toMatch(/^true$/m);
    expect(verify.match(/log intact up to position/g)?.length).toBe(2);
    // Step 9: on the store's clock the claim did not exist on 21 October 2023; on the reporting's clock it
    // had two reports then, and each later day counts exactly the reports published by it.
    expect(reported).toMatch(/^CLAIM_NOT_FOUND$/m);
    expect(reported).toMatch(/^No report published by 2023-10-19T00:00:00\.000Z: claim \S+'s first report was published 2023-10-20T/m);
    expect(reported).toMatch(/"clock": "reported"/);
    expect(reported).toMatch(/"reportsCounted": 2/);
    expect(reported).toMatch(/^2023-10-21 2 unverified /m);
    expect(reported).toMatch(/^2023-10-23 3 unverified likely$/m);
    expect(reported).toMatch(/^2023-10-25 4 contested /m);
    expect(reported).toMatch(/^2023-10-25 3 unverified likely$/m);
    const timeline = reported.split('\n').filter((line) => /^\d{4}-\d{2}-\d{2} Claim/.test(line));
    expect(timeline[0]).toMatch(/^2023-10-20 ClaimAsserted/);
    expect(timeline.map((line) => line.slice(0, 10))).toEqual(timeline.map((line) => line.slice(0, 10)).sort());
    expect(timeline.find((line) => line.includes('ClaimDisputed'))).toMatch(/^2023-10-24 ClaimDisputed\s+contested/);
    // Step 10: /console is served under its strict CSP, and the script its page loads is there.
    expect(consolePage).toMatch(/^content-security-policy: default-src 'none'; script-src 'self'; style-src 'self';/im);
    expect(consolePage).not.toMatch(/unsafe-inline/);
    expect(consolePage).toMatch(/^200 (text|application)\/javascript/m);
    // Step 11: the reader sees the contact's pseudonym, kind and grade, and his report still counts; the
    // editor sees the name and the field note; the claim's audit export never holds the name.
    const lines = confidential.split(/^=== done$/m)[0].trim().split('\n');
    expect(lines[0]).toMatch(/^Confidential source \d+, local contact, grade C$/);
    expect(confidential).toMatch(/^Cluster Confidential source \d+ .*counts as independent corroboration\.$/m);
    expect(confidential).toMatch(/^Computed status unverified with 1 independent corroboration\(s\) \(needs 2\); credibility 3\.$/m);
    expect(lines.slice(-5)).toEqual(['no quote, sealed (aes-256-gcm/v1)', 'Ousmane D.', expect.stringMatching(/^Desk field note: By phone: on 20 October men who said they were Islamic State fought JNIM/), '0', expect.stringMatching(/^[1-9]\d*$/)]);
    expect(confidential.match(/Ousmane D\./g)).toHaveLength(1);
  });
});
