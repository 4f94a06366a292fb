import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@claims/platform';
import { waitUntil } from '@claims/testing';
import { makeDataParent, startNpmStart } from '../support/npm-start';

/** `npm start` as a newcomer runs it: no DATABASE_URL, no KAFKA_BROKERS, a data folder of its own. */
const startService = (dataDir: string, port: number) => startNpmStart({ DATA_DIR: dataDir, PORT: String(port), KAFKA_BROKERS: '' });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field below
const json = async (url: string, init?: RequestInit): Promise<{ status: number; body: any }> => {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init?.headers ?? {}) } });
  return { status: response.status, body: await response.json() };
};

/** The first match of `pattern` in the output, once it is printed. */
const printed = (output: () => string, pattern: RegExp): Promise<RegExpExecArray> =>
  waitUntil(() => pattern.exec(output()), { timeoutMs: 5_000, intervalMs: 50, what: () => `${pattern} in the output:\n${output()}` });

describe('npm start (embedded PostgreSQL, nothing configured)', () => {
  let dataDir: string;
  let parent: string;

  beforeAll(() => {
    parent = makeDataParent('claim-ledger-start-');
    dataDir = path.join(parent, 'data');
  });
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('serves /docs and accepts a claim on an empty data folder; a restart keeps the data', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = startService(dataDir, port);
    let claimId: string;
    let adminKey: string;
    let editor: Record<string, string>;
    let verifierKey: string;
    try {
      await first.ready;
      // The first start prints an admin key, once; it manages keys, so it makes an editor's key.
      adminKey = (await printed(first.output, /admin key: (clk_[0-9a-f]{32}_[A-Za-z0-9_-]{43})\n/))[1];
      expect(first.output()).toContain('save it now: it will not be shown again');
      const admin = { Authorization: `Bearer ${adminKey}` };
      expect((await json(`${base}/sources`, { method: 'POST', body: JSON.stringify({ name: 'x', kind: 'other' }) })).status).toBe(401);
      expect((await json(`${base}/sources`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'x', kind: 'other' }) })).status).toBe(403);
      const editorKey = await json(`${base}/admin/api-keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'Amina', role: 'editor' }) });
      expect(editorKey.status).toBe(201);
      editor = { Authorization: `Bearer ${editorKey.body.secret}` };
      expect(first.output()).toContain(`docs:     http://localhost:${port}/docs`);
      expect(first.output()).toMatch(/database: embedded PostgreSQL in .*data\/postgres/);

      const docs = await fetch(`${base}/docs`);
      expect(docs.status).toBe(200);
      expect(await docs.text()).toContain('/openapi.json');
      expect(Object.keys((await json(`${base}/openapi.json`)).body.paths['/claims']).sort()).toEqual(['get', 'post']);

      const source = await json(`${base}/sources`, { method: 'POST', headers: editor, body: JSON.stringify({ name: 'Menastream', kind: 'social_media_account', reliability: 'C' }) });
      expect(source.status).toBe(201);
      const claim = await json(`${base}/claims`, {
        method: 'POST',
        headers: editor,
        body: JSON.stringify({
          statement: 'JNIM attacked the vacated MINUSMA base at Aguelhok',
          category: 'attack',
          actors: [{ name: 'JNIM', role: 'perpetrator' }],
          location: { placeName: 'Aguelhok', adminRegion: 'Kidal', country: 'Mali', precision: 'locality' },
          occurred: { start: '2023-08-25', precision: 'day' },
          report: { sourceId: source.body.id, publishedAt: '2023-08-25T12:00:00Z', url: 'https://example.org/aguelhok' },
        }),
      });
      expect(claim.status).toBe(201);
      claimId = claim.body.id;

      // The checkpoint signing key was created in the data folder on this first start, readable by its owner only.
      const keyFile = path.join(dataDir, 'audit-signing.key');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(readFileSync(keyFile, 'utf8')).toMatch(/^PRIVATE\+KEY\+claim-ledger\.local\/log\+[0-9a-f]{8}\+/);
      const publicKey = await json(`${base}/audit/public-key`);
      expect(publicKey.body).toMatchObject({ origin: 'claim-ledger.local/log', verifierKey: expect.stringMatching(/^claim-ledger\.local\/log\+[0-9a-f]{8}\+/) });
      verifierKey = publicKey.body.verifierKey;
    } finally {
      await first.stop();
    }

    const second = startService(dataDir, port);
    try {
      await second.ready;
      const again = await json(`${base}/claims/${claimId}`, { headers: editor });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: claimId, statement: 'JNIM attacked the vacated MINUSMA base at Aguelhok' });
      // The same key signs after the restart: checkpoints stay verifiable with the vkey an auditor kept.
      expect((await json(`${base}/audit/public-key`)).body.verifierKey).toBe(verifierKey);
      const health = await json(`${base}/health`);
      expect(health.body).toMatchObject({ status: 'ok', database: { status: 'up' } });
      // Keys survive the restart; no new admin key is made, and the first one is never printed again.
      expect((await json(`${base}/admin/api-keys`, { headers: { Authorization: `Bearer ${adminKey}` } })).body.items).toHaveLength(2);
      await printed(second.output, /feeds: .*\n/);
    } finally {
      await second.stop();
    }
    // Stopped: the output is complete, so the key is known never to have been printed by this run.
    expect(second.output()).toContain('claim-ledger is running');
    expect(second.output()).not.toContain('admin key:');
    expect(second.output()).not.toContain(adminKey);
  });
});
