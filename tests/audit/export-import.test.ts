import { problemWithStoredEvent } from '@claims/contracts';
import { chainHashOf, contentHashOf, exportLog, GENESIS_HASH, importLog, ImportRefused, verifyLog } from '@claims/event-store';
import { rebuildProjections } from '@claims/projections';
import { createTestDatabase, waitUntilLogReadable, type TestDatabase } from '@claims/testing';
import { EDITOR, openClaim, openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';

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
