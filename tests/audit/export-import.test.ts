import { randomUUID } from 'node:crypto';
import { problemWithStoredEvent } from '@claims/contracts';
import { chainHashOf, contentHashOf, exportLog, GENESIS_HASH, importLog, ImportRefused, verifyLog } from '@claims/event-store';
import { rebuildProjections } from '@claims/projections';
import { createTestDatabase, waitUntilLogReadable, type TestDatabase } from '@claims/testing';
import { apiKeyFromSecret, hashApiKeySecret } from '../../apps/api/src/auth/api-key-secret';
import { ApiKeyAuthenticator } from '../../apps/api/src/auth/api-key.authenticator';
import { ApiKeyRegistry } from '../../apps/api/src/auth/api-key.registry';
import { EDITOR, openClaim, openClaimBody, registerSource, report, TEST_KEY_SECRETS } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { fixedApiKeySecret } from '../support/api-keys';
import { runCli } from '../support/cli';

/** Export, import into a fresh database, rebuild: the same hashes and byte-identical projection rows. */
describe('export and import', () => {
  let api: ApiTestApp;
  let target: TestDatabase;

  beforeAll(async () => {
    api = await startApiTestApp();
    target = await createTestDatabase();
  });
  afterAll(async () => {
    await target.drop();
    await api.close();
  });

  const collect = async (lines: AsyncIterable<string>) => {
    const all: string[] = [];
    for await (const line of lines) all.push(line);
    return all;
  };
  const from = (lines: string[]) => () => (async function* () {
    yield* lines;
  })();

  const eventRows = (db: TestDatabase) =>
    db.pool.query(`SELECT global_position, stream_id, stream_version, event_id, event_type, schema_version, data::text, metadata::text,
                          recorded_at, encode(hash, 'hex') AS hash FROM events ORDER BY events.transaction_id, events.global_position`).then((r) => r.rows);
  const tableText = (db: TestDatabase, table: string) => db.pool.query(`SELECT t::text AS row FROM ${table} t ORDER BY 1`).then((r) => r.rows.map((row) => row.row as string));

  it('reproduces identical hashes and, after a rebuild, byte-identical projection rows', async () => {
    const sources = await Promise.all(['B', 'C', 'A'].map((reliability, index) => registerSource(api, { name: `Outlet ${index} “Sahel”`, reliability })));
    const claim = await openClaim(api, openClaimBody(sources[0]));
    await api.http().post(`/claims/${claim.id}/reports`).send({ stance: 'supports', report: report(sources[1], { quote: 'Trois exécutions – Ménaka' }) }).expect(201);
    await api.http().post(`/claims/${claim.id}/reports`).send({ stance: 'disputes', reason: 'Denied', report: report(sources[2]) }).expect(201);
    api.tick(30);
    await api.http().put(`/sources/${sources[2]}/reliability`).send({ reliability: 'E', reason: 'Unreliable' }).expect(200);
    await openClaim(api, openClaimBody(sources[1], { statement: 'A second claim, figure 3.5' }));

    await waitUntilLogReadable(api.db.pool);
    const lines = await collect(exportLog(api.db.pool, { batchSize: 3 }));
    expect(JSON.parse(lines[0])).toMatchObject({ kind: 'claim-ledger.export', formatVersion: 1, streams: null });
    expect(JSON.parse(lines.at(-1) as string)).toMatchObject({ kind: 'claim-ledger.export.end', events: lines.length - 2 });

    const imported = await importLog(target.pool, from(lines), { batchSize: 4 });
    expect(imported.verification.intact).toBe(true);
    expect(imported.events).toBe(await api.eventCount());
    expect(await eventRows(target)).toEqual(await eventRows(api.db));

    await rebuildProjections(target.pool);
    for (const table of ['claim_view', 'claim_sources', 'source_view']) expect(await tableText(target, table)).toEqual(await tableText(api.db, table));
    // A second export of the imported store is the same file, but for the transaction ids (the importer's own).
    const withoutTransaction = (all: string[]) => all.slice(1).map((line) => line.replace(/"position" : "\d+-/, '"position" : "-'));
    expect(withoutTransaction(await collect(exportLog(target.pool)))).toEqual(withoutTransaction(lines));
  });

  it('refuses an export whose chain does not verify, or that is cut short, and writes nothing', async () => {
    const empty = await createTestDatabase();
    try {
      const lines = await collect(exportLog(api.db.pool));
      const edited = lines.map((line, index) => (index === 3 ? line.replace('"ClaimCorroborated"', '"ClaimDisputed"').replace(/"recordedAt" : "(\d{4})/, '"recordedAt" : "1$1') : line));
      const changed = lines.findIndex((line, index) => line !== edited[index]);
      expect(changed).toBeGreaterThan(0);
      await expect(importLog(empty.pool, from(edited))).rejects.toThrow(ImportRefused);
      await expect(importLog(empty.pool, from(lines.slice(0, -1)))).rejects.toThrow(/end marker is missing/);
      await expect(importLog(empty.pool, from([lines[0], lines[2], lines[1], ...lines.slice(3)]))).rejects.toThrow(ImportRefused);
      expect((await empty.pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n).toBe(0);
      // And never into a store that has events.
      await expect(importLog(api.db.pool, from(lines))).rejects.toThrow(/not empty/);
    } finally {
      await empty.drop();
    }
  });

  it('refuses a file whose hashes verify but whose events this application cannot read, and writes nothing', async () => {
    const empty = await createTestDatabase();
    try {
      const lines = await collect(exportLog(api.db.pool));
      const events = lines.slice(1, -1).map((line) => JSON.parse(line));
      // Someone "fixes" a claim's first event in a copy of the export, and recomputes the chain so it verifies.
      const index = events.findIndex((event) => event.type === 'ClaimAsserted');
      const forged = { ...events[index], data: { ...events[index].data, statement: '' } };
      const streamEvents = events.filter((event) => event.streamId === forged.streamId);
      let previous: Buffer = GENESIS_HASH;
      for (const event of streamEvents) {
        const content = event === events[index] ? forged : event;
        const hash = chainHashOf(previous, content.streamVersion, contentHashOf({ ...content, recordedAt: new Date(content.recordedAt) }));
        content.hash = hash.toString('hex');
        previous = hash;
      }
      events[index] = forged;
      const file = [lines[0], ...events.map((event) => JSON.stringify(event)), lines.at(-1) as string];

      // The chain alone does not catch it (the file is self-consistent)...
      const checkPayload = (event: { streamId: string; type: string; schemaVersion: number; data: unknown }) => problemWithStoredEvent(event.streamId, event);
      // ...the payload check of `npm run cli -- import` does, naming the stream, version and field.
      const refusal = importLog(empty.pool, from(file), { checkPayload });
      await expect(refusal).rejects.toThrow(ImportRefused);
      await expect(refusal).rejects.toThrow(new RegExp(`stream ${forged.streamId} version 1 \\(ClaimAsserted\\): not a valid ClaimAsserted event: data.statement`));
      expect((await empty.pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n).toBe(0);

      // The unaltered export passes the same check.
      const imported = await importLog(empty.pool, from(lines), { checkPayload });
      expect(imported.events).toBe(events.length);
      // Without the payload check the forged file would have gone in: its chain verifies.
      const unchecked = await createTestDatabase();
      try {
        expect((await importLog(unchecked.pool, from(file))).verification.intact).toBe(true);
      } finally {
        await unchecked.drop();
      }
    } finally {
      await empty.drop();
    }
  });

  it('exports one claim with its sources over HTTP, for auditors only', async () => {
    const source = await registerSource(api, { name: 'Export outlet', reliability: 'C' });
    const claim = await openClaim(api, openClaimBody(source));
    await api.http().get(`/audit/export?claim=${claim.id}`).set(EDITOR).expect(403);
    await waitUntilLogReadable(api.db.pool);
    const response = await api.as('auditor').get(`/audit/export?claim=${claim.id}`).buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => done(null, text));
    }).expect(200);
    expect(response.headers['content-type']).toMatch(/application\/x-ndjson/);
    const lines = (response.body as string).trim().split('\n').map((line) => JSON.parse(line));
    expect(lines[0].streams).toEqual([`claim-${claim.id}`, `source-${source}`].sort());
    expect(lines.slice(1, -1).map((event) => event.streamId).sort()).toEqual([`claim-${claim.id}`, `source-${source}`].sort());
    expect(lines.at(-1)).toEqual({ kind: 'claim-ledger.export.end', events: 2, streams: 2 });

    const verified = await api.as('auditor').get('/audit/verify').expect(200);
    expect(verified.body).toMatchObject({ intact: true, brokenStreams: 0 });
    expect(verified.body.summary).toMatch(/^log intact up to position \d+-\d+/);
    expect((await verifyLog(api.db.pool)).events).toBe(verified.body.events);
    const checkpoint = await api.as('auditor').post('/audit/checkpoints').expect(201);
    const proof = await api.as('auditor').get(`/audit/checkpoints/${checkpoint.body.merkleRoot}/verify`).expect(200);
    expect(proof.body).toMatchObject({ matches: true, checkpointIntact: true, found: { merkleRoot: checkpoint.body.merkleRoot } });
  });
});

/**
 * Exports leave the system: they hold no API key's secret hash. Keys issued now keep it out of the log
 * (`api_key_secrets`); keys issued before, whose v1 `ApiKeyIssued` holds it, are left out of exports.
 */
describe('API key hashes and exports', () => {
  let api: ApiTestApp;
  let target: TestDatabase;
  const legacySecret = fixedApiKeySecret('1e', 'L');
  const legacy = apiKeyFromSecret(legacySecret);

  beforeAll(async () => {
    api = await startApiTestApp();
    target = await createTestDatabase();
    // A key as the code before ApiKeyIssued v2 wrote it, after this change's migration: the hash in its
    // v1 event, the projection row without it, the hash copied to api_key_secrets.
    const issuedAt = '2023-06-01T00:00:00.000Z';
    await api.store.append(
      `api-key-${legacy.keyId}`,
      [
        {
          eventId: randomUUID(),
          type: 'ApiKeyIssued',
          schemaVersion: 1,
          data: { keyId: legacy.keyId, name: 'legacy reader', role: 'reader', prefix: legacy.prefix, secretHash: legacy.secretHash, recordedAt: issuedAt, recordedBy: 'cli:ops' },
          metadata: { actor: { id: 'cli:ops', name: 'ops' } },
        },
      ],
      { expectedVersion: 'no_stream' },
    );
    await api.db.pool.query(`INSERT INTO api_keys (key_id, version, name, role, prefix, created_at, created_by) VALUES ($1, 1, 'legacy reader', 'reader', $2, $3, 'cli:ops')`, [
      legacy.keyId,
      legacy.prefix,
      issuedAt,
    ]);
    await api.db.pool.query('INSERT INTO api_key_secrets (key_id, secret_hash) VALUES ($1, $2)', [legacy.keyId, legacy.secretHash]);
    const source = await registerSource(api, { name: 'Hash-free outlet', reliability: 'B' });
    await openClaim(api, openClaimBody(source));
    await api.as('admin').post('/admin/api-keys').send({ name: 'new partner', role: 'feed' }).expect(201);
    await waitUntilLogReadable(api.db.pool);
  });
  afterAll(async () => {
    await target.drop();
    await api.close();
  });

  const everyKeyHash = async () => [
    legacy.secretHash,
    ...Object.values(TEST_KEY_SECRETS).map(({ secret }) => hashApiKeySecret(secret)),
    ...(await api.db.pool.query<{ secret_hash: string }>('SELECT secret_hash FROM api_key_secrets')).rows.map((row) => row.secret_hash),
  ];
  const expectNoKeyHash = async (exported: string) => {
    const hashes = await everyKeyHash();
    expect(hashes.length).toBeGreaterThanOrEqual(Object.keys(TEST_KEY_SECRETS).length + 2);
    expect(hashes.filter((hash) => exported.includes(hash))).toEqual([]);
    expect(exported).not.toContain('secretHash');
  };
  const httpExport = async () =>
    (
      await api
        .as('auditor')
        .get('/audit/export')
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          res.on('end', () => done(null, text));
        })
        .expect(200)
    ).body as string;

  it('GET /audit/export holds no secret hash of any key, names the key stream it left out, and imports and verifies', async () => {
    const exported = await httpExport();
    await expectNoKeyHash(exported);
    const lines = exported.trim().split('\n');
    expect(JSON.parse(lines[0]).excludedStreams).toEqual([`api-key-${legacy.keyId}`]);
    const newKeyStreams = lines.slice(1, -1).map((line) => JSON.parse(line)).filter((event) => event.type === 'ApiKeyIssued');
    expect(newKeyStreams.map((event) => event.schemaVersion)).toEqual(newKeyStreams.map(() => 2));
    expect(newKeyStreams.length).toBe(Object.keys(TEST_KEY_SECRETS).length + 1);

    const imported = await importLog(target.pool, () => (async function* () {
      yield* lines;
    })(), { checkPayload: (event) => problemWithStoredEvent(event.streamId, event) });
    expect(imported.verification).toMatchObject({ intact: true, events: lines.length - 2 });
  });

  it('npm run cli -- export holds no secret hash of any key', async () => {
    const { code, stdout } = await runCli(api.db.url, 'export');
    expect(code).toBe(0);
    await expectNoKeyHash(stdout);
    expect(JSON.parse(stdout.split('\n')[0]).excludedStreams).toEqual([`api-key-${legacy.keyId}`]);
  });

  it('every key, old or new, still authenticates after a restart (no cache), its hash read from api_key_secrets', async () => {
    const restarted = new ApiKeyAuthenticator(new ApiKeyRegistry(api.appPool, api.store));
    const now = new Date('2024-03-01T10:00:00.000Z');
    expect(await restarted.authenticate(legacySecret, now)).toEqual({ ok: true, key: { id: legacy.keyId, name: 'legacy reader', role: 'reader' } });
    expect(await restarted.authenticate(TEST_KEY_SECRETS.editor.secret, now)).toMatchObject({ ok: true, key: { role: 'editor' } });
    expect(await restarted.authenticate(`${legacySecret.slice(0, -1)}M`, now)).toEqual({ ok: false, reason: 'unknown' });
    await api.anonymous().get('/claims').set('Authorization', `Bearer ${legacySecret}`).expect(200);
  });

  it('issuing the same key id again with another secret is refused, and changes nothing', async () => {
    const registry = new ApiKeyRegistry(api.appPool, api.store);
    const other = apiKeyFromSecret(`${legacySecret.slice(0, -1)}M`);
    await expect(
      registry.issue({ name: 'legacy reader', role: 'reader' }, { now: new Date(), metadata: { actor: { id: 'test' } } }, { ...other, keyId: legacy.keyId, prefix: legacy.prefix }),
    ).rejects.toMatchObject({ code: 'API_KEY_ALREADY_ISSUED' });
    const { rows } = await api.db.pool.query('SELECT secret_hash FROM api_key_secrets WHERE key_id = $1', [legacy.keyId]);
    expect(rows).toEqual([{ secret_hash: legacy.secretHash }]);
  });
});
