import { leafHashOf, verifyInclusion } from '@claims/event-store';
import { rebuildProjections } from '@claims/projections';
import { waitUntilLogReadable } from '@claims/testing';
import { openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';

// A name and notes that occur nowhere else: any trace of them in clear is a leak.
const NAME = 'Moussa Ag Intalla-Kalamba';
const NOTES = 'Reach via his cousin at the Ménaka bus station; Signal only, never before 20:00';
const REGISTRATION = { name: NAME, kind: 'local_contact', reliability: 'B', confidential: true, contactNotes: NOTES };
// His report's link and quote would locate him just as well: they are sealed too.
const URL = 'https://voice-notes.example.org/intalla-2024-02-27.ogg';
const QUOTE = 'Intalla says he counted three bodies behind the bus station';

/**
 * Confidential sources: the identity is sealed in the log with a data key per source; only keys with
 * `sources:confidential:read` (editor, protector) see it, each such read is logged; everyone else sees
 * the pseudonym; erasure destroys the key and leaves the log, its checkpoints and proofs valid.
 */
describe('confidential sources', () => {
  let api: ApiTestApp;
  let sourceId: string;
  let claimId: string;
  let reportId: string;

  beforeAll(async () => {
    api = await startApiTestApp();
    // With an Idempotency-Key: the stored answer (idempotency_keys) is checked for the identity too.
    const { body } = await api.http().post('/sources').set('Idempotency-Key', 'register-the-witness').send(REGISTRATION).expect(201);
    sourceId = body.id;
    const wire = await registerSource(api, { name: 'Sahel Wire', reliability: 'B' });
    claimId = (await api.http().post('/claims').send(openClaimBody(wire)).expect(201)).body.id;
    reportId = (await api.http().post(`/claims/${claimId}/reports`).send({ stance: 'supports', report: report(sourceId, { url: URL, quote: QUOTE }) }).expect(201)).body.reportId;
  });
  afterAll(() => api.close());

  const pseudonymPattern = /^Confidential source \d+, local contact, grade B$/;

  it('shows the identity to editors and protectors (each read logged), the pseudonym to every other role', async () => {
    const editor = (await api.as('editor').get(`/sources/${sourceId}`).expect(200)).body;
    expect(editor).toMatchObject({ name: NAME, contactNotes: NOTES, kind: 'local_contact', reliability: 'B', confidential: { identity: 'shown' } });
    expect(editor.confidential.pseudonym).toMatch(pseudonymPattern);
    expect((await api.as('protector').get(`/sources/${sourceId}`).expect(200)).body).toMatchObject({ name: NAME, contactNotes: NOTES });
    for (const role of ['reader', 'analyst', 'auditor'] as const) {
      const { body } = await api.as(role).get(`/sources/${sourceId}`).expect(200);
      expect({ role, name: body.name, contactNotes: body.contactNotes, identity: body.confidential.identity }).toEqual({ role, name: editor.confidential.pseudonym, contactNotes: null, identity: 'withheld' });
      expect(JSON.stringify(body)).not.toContain('Moussa');
    }
    // The assessment counts the source as any other: grade B, first hand, on the claim.
    expect(editor.claims).toEqual([expect.objectContaining({ claimId, reports: [expect.objectContaining({ role: 'reported', active: true })] })]);

    const { body: log } = await api.as('protector').get(`/protection/access-log?source=${sourceId}`).expect(200);
    const routes = log.entries.map((entry: { keyId: string; route: string }) => [entry.keyId, entry.route]);
    expect(routes).toEqual(expect.arrayContaining([[api.keys.editor.id, 'GET /sources/:sourceId'], [api.keys.protector.id, 'GET /sources/:sourceId'], [api.keys.editor.id, 'POST /sources']]));
    expect(routes.filter(([keyId]: string[]) => keyId === api.keys.reader.id)).toEqual([]);
    expect(log.entries[0]).toMatchObject({ sourceId, keyName: expect.any(String), at: expect.any(String) });
    await api.as('protector').get('/protection/access-log?source=bad id').expect(400);
  });

  it("seals the url and quote of the source's reports: opened for editors (logged), absent for the other roles", async () => {
    const reader = (await api.as('reader').get(`/claims/${claimId}/reports/${reportId}`).expect(200)).body;
    expect(reader.url).toBeUndefined();
    expect(reader.quote).toBeUndefined();
    expect(reader.sealed).toMatchObject({ sealed: 'aes-256-gcm/v1', subject: sourceId });
    expect(JSON.stringify((await api.as('analyst').get(`/claims/${claimId}`).expect(200)).body)).not.toContain('Intalla');
    expect((await api.as('editor').get(`/claims/${claimId}/reports/${reportId}`).expect(200)).body).toMatchObject({ url: URL, quote: QUOTE, sourceId });
    const { body: log } = await api.as('protector').get(`/protection/access-log?source=${sourceId}`).expect(200);
    expect(log.entries[0]).toMatchObject({ keyId: api.keys.editor.id, route: 'GET /claims/:claimId/reports/:reportId' });
  });

  it('keeps the name and notes out of every table in clear (events, projections, outbox), out of history and exports', async () => {
    const tables = (await api.db.pool.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")).rows.map((row) => row.table_name);
    expect(tables).toEqual(expect.arrayContaining(['events', 'source_view', 'claim_view', 'feed_outbox']));
    const leaks: string[] = [];
    for (const table of tables) {
      const { rows } = await api.db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}" t WHERE t::text ILIKE $1 OR t::text ILIKE $2`, ['%Intalla%', '%bus station%']);
      if (Number(rows[0].n) > 0) leaks.push(table);
    }
    expect(leaks).toEqual([]);
    expect(Number((await api.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM idempotency_keys')).rows[0].n)).toBeGreaterThan(0);
    // Its replay answers with the pseudonym: that is what was kept.
    const replay = await api.http().post('/sources').set('Idempotency-Key', 'register-the-witness').send(REGISTRATION).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toMatchObject({ id: sourceId, name: expect.stringMatching(/^Confidential source \d+, local contact, grade B$/), contactNotes: null });
    const { rows } = await api.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE data::text ILIKE $1 OR metadata::text ILIKE $1', ['%Intalla%']);
    expect(Number(rows[0].n)).toBe(0);
    const sealed = (await api.db.pool.query<{ data: { name: string; confidential: { identity: { sealed: string; subject: string } } } }>("SELECT data FROM events WHERE stream_id = $1 AND event_type = 'SourceRegistered'", [`source-${sourceId}`])).rows[0].data;
    expect(sealed.name).toMatch(/^Confidential source \d+$/);
    expect(sealed.confidential.identity).toMatchObject({ sealed: 'aes-256-gcm/v1', subject: sourceId });

    await waitUntilLogReadable(api.db.pool);
    const exported = await api.as('auditor').get(`/audit/export?claim=${claimId}`).expect(200);
    expect(exported.text).toContain('Confidential source');
    expect(exported.text).not.toContain('Intalla');
    const history = await api.as('editor').get(`/claims/${claimId}/history`).expect(200);
    expect(JSON.stringify(history.body)).not.toContain('Intalla');
  });

  it('marks an existing source confidential going forward, and seals later changes of its name', async () => {
    const plain = await registerSource(api, { name: 'Radio Tessit stringer', kind: 'local_contact', reliability: 'C' });
    const marked = (await api.as('editor').patch(`/sources/${plain}`).send({ confidential: true, contactNotes: 'Via the radio station' }).expect(200)).body;
    expect(marked).toMatchObject({ name: 'Radio Tessit stringer', contactNotes: 'Via the radio station', confidential: { identity: 'shown' } });
    expect((await api.as('reader').get(`/sources/${plain}`).expect(200)).body.name).toMatch(/^Confidential source \d+, local contact, grade C$/);
    await api.as('editor').patch(`/sources/${plain}`).send({ name: 'Aghali of Radio Tessit' }).expect(200);
    expect((await api.as('editor').get(`/sources/${plain}`).expect(200)).body).toMatchObject({ name: 'Aghali of Radio Tessit', contactNotes: 'Via the radio station' });
    const { rows } = await api.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE data::text ILIKE $1', ['%Aghali%']);
    expect(Number(rows[0].n)).toBe(0);
    // Contact notes are for confidential sources only; an ordinary source refuses them, naming the field.
    const refused = await api.as('editor').post('/sources').send({ name: 'Open outlet', kind: 'news_outlet', contactNotes: 'x' }).expect(400);
    expect(refused.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'contactNotes' });
  });

  it('erases: the data key is destroyed, every read shows [erased], the log, its checkpoint and proofs still verify, a rebuild assesses the same', async () => {
    await waitUntilLogReadable(api.db.pool);
    const before = (await api.as('auditor').post('/audit/checkpoints').expect(201)).body;
    const registered = (await api.db.pool.query<{ event_id: string; data: string }>("SELECT event_id::text, data::text FROM events WHERE stream_id = $1 AND event_type = 'SourceRegistered'", [`source-${sourceId}`])).rows[0];
    const logBytes = async () => (await api.db.pool.query<{ row: string }>("SELECT global_position || ' ' || encode(hash, 'hex') || ' ' || data::text || ' ' || metadata::text AS row FROM events ORDER BY global_position")).rows.map((row) => row.row);
    const bytesBefore = await logBytes();
    const claimBefore = (await api.as('reader').get(`/claims/${claimId}`).expect(200)).body;

    await api.as('editor').post(`/sources/${sourceId}/erasure`).send({ reason: 'asked' }).expect(403);
    const erased = await api.as('protector').post(`/sources/${sourceId}/erasure`).send({ reason: 'The witness asked to be forgotten (GDPR art. 17)' }).expect(200);
    expect(erased.body).toMatchObject({ name: '[erased]', contactNotes: '[erased]', confidential: { identity: 'erased' } });
    for (const role of ['editor', 'protector'] as const) expect((await api.as(role).get(`/sources/${sourceId}`).expect(200)).body).toMatchObject({ name: '[erased]', contactNotes: '[erased]', confidential: { identity: 'erased' } });
    expect((await api.as('reader').get(`/sources/${sourceId}`).expect(200)).body).toMatchObject({ name: expect.stringMatching(pseudonymPattern), contactNotes: null, confidential: { identity: 'erased' } });
    const key = (await api.db.pool.query('SELECT wrapped_key, master_key_id, erased_at, erasure_reason FROM subject_data_keys WHERE subject_id = $1', [sourceId])).rows[0];
    expect(key).toMatchObject({ wrapped_key: null, master_key_id: null, erasure_reason: 'The witness asked to be forgotten (GDPR art. 17)', erased_at: expect.any(Date) });
    const event = (await api.db.pool.query("SELECT data FROM events WHERE stream_id = $1 AND event_type = 'SourceErased'", [`source-${sourceId}`])).rows[0].data;
    expect(Object.keys(event).sort()).toEqual(['reason', 'recordedAt', 'recordedBy', 'sourceId']);
    // A second erasure changes nothing; erasing an ordinary source is refused.
    const count = await api.eventCount();
    await api.as('protector').post(`/sources/${sourceId}/erasure`).send({ reason: 'again' }).expect(200);
    expect(await api.eventCount()).toBe(count);
    expect((await api.as('editor').get(`/claims/${claimId}/reports/${reportId}`).expect(200)).body).toMatchObject({ quote: '[erased]' });
    expect((await api.as('editor').get(`/claims/${claimId}/reports/${reportId}`).expect(200)).body.url).toBeUndefined();
    const plain = await registerSource(api, { name: 'Open outlet', reliability: 'C' });
    expect((await api.as('protector').post(`/sources/${plain}/erasure`).send({ reason: 'x' }).expect(409)).body).toMatchObject({ code: 'SOURCE_NOT_CONFIDENTIAL' });
    expect((await api.as('editor').patch(`/sources/${sourceId}`).send({ name: 'Someone' }).expect(409)).body).toMatchObject({ code: 'SOURCE_ERASED' });

    // The log's bytes never changed: the earlier checkpoint, the sealed event's inclusion and the chains verify.
    const bytesAfter = await logBytes();
    expect(bytesAfter.slice(0, bytesBefore.length)).toEqual(bytesBefore);
    expect(bytesAfter.length).toBeGreaterThan(bytesBefore.length);
    expect((await api.db.pool.query("SELECT data::text FROM events WHERE event_id = $1", [registered.event_id])).rows[0].data).toBe(registered.data);
    await waitUntilLogReadable(api.db.pool);
    expect((await api.as('auditor').get(`/audit/checkpoints/${before.id}/verify`).expect(200)).body).toMatchObject({ matches: true, checkpointIntact: true });
    const proof = (await api.as('auditor').get(`/audit/proofs/inclusion?eventId=${registered.event_id}&treeSize=${before.treeSize}`).expect(200)).body;
    expect(verifyInclusion(proof.leafIndex, before.treeSize, leafHashOf(Buffer.from(proof.eventHash, 'base64')), proof.proof.map((hash: string) => Buffer.from(hash, 'base64')), Buffer.from(before.rootHash, 'base64'))).toBe(true);
    const after = (await api.as('auditor').post('/audit/checkpoints').expect(201)).body;
    expect((await api.as('auditor').get(`/audit/proofs/consistency?from=${before.treeSize}&to=${after.treeSize}`).expect(200)).body.proof).toEqual(expect.any(Array));
    expect((await api.as('auditor').get('/audit/verify').expect(200)).body).toMatchObject({ intact: true, tree: { intact: true } });

    // A rebuild replays the same events: the same assessment, and the identity still reads [erased].
    await rebuildProjections(api.db.pool);
    const claimAfter = (await api.as('reader').get(`/claims/${claimId}`).expect(200)).body;
    expect(claimAfter.assessment).toEqual(claimBefore.assessment);
    expect((await api.as('editor').get(`/sources/${sourceId}`).expect(200)).body).toMatchObject({ name: '[erased]', confidential: { identity: 'erased' } });
  });
});
