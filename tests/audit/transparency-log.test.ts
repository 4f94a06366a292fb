import { createHash } from 'node:crypto';
import { MTH, PATH, PROOF } from '../../libs/log-verifier/testing/rfc9162-reference';
import {
  checkpointBody,
  COSIGNATURE_V1_KEY_TYPE,
  cosignatureLine,
  generateNoteKey,
  importLog,
  parseNote,
  parseNoteSigningKey,
  parseVerifierKey,
  verifyConsistency,
  verifyInclusion,
  verifyNote,
  withTransaction,
} from '@claims/event-store';
import { createTestDatabase, waitUntilLogReadable } from '@claims/testing';
import { openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { TEST_LOG_ORIGIN, TEST_LOG_VERIFIER_KEY, TEST_WITNESS_SIGNING_KEY } from './transparency-keys';

// RFC 9162 2.1 by its recursive definitions (libs/log-verifier/testing), over the log's stored hashes read straight
// from the events table: independent of the server's tree code, which must agree with it for every size, index and pair.
const sha = (...parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
const leafHash = (leaf: Buffer) => sha(Buffer.from([0]), leaf);
const mth = MTH;
const path = PATH;
const proof = (m: number, d: Buffer[]): Buffer[] => (m === 0 ? [] : PROOF(m, d));
const b64 = (hashes: Buffer[]) => hashes.map((hash) => hash.toString('base64'));
const fromB64 = (hashes: string[]) => hashes.map((hash) => Buffer.from(hash, 'base64'));

describe('transparency log: signed checkpoints, proofs, cosignatures', () => {
  let api: ApiTestApp;
  let sources = 0;

  beforeAll(async () => {
    api = await startApiTestApp();
  });
  afterAll(() => api.close());

  const logLeaves = async (): Promise<Array<{ eventId: string; hash: Buffer }>> =>
    (await api.db.pool.query<{ event_id: string; hash: Buffer }>('SELECT event_id::text, hash FROM events ORDER BY transaction_id, global_position')).rows.map((row) => ({ eventId: row.event_id, hash: row.hash }));
  const addSource = () => registerSource(api, { name: `Outlet ${++sources}`, reliability: 'C' });
  const checkpoint = async () => {
    await waitUntilLogReadable(api.db.pool);
    return (await api.as('auditor').post('/audit/checkpoints').expect(201)).body;
  };
  /** As the superuser, behind the application's back, with the append-only triggers off. */
  const behindTheBack = (tables: string[], work: (query: (sql: string, values?: unknown[]) => Promise<unknown>) => Promise<unknown>) =>
    withTransaction(api.db.pool, async (client) => {
      for (const table of tables) await client.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
      await work((sql, values) => client.query(sql, values));
      for (const table of tables) await client.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    });

  it('signs a checkpoint over exactly the 40 events of the log, and proves every inclusion and every consistency against the recursive definition', async () => {
    while ((await api.eventCount()) < 40) await addSource();
    const cp = await checkpoint();
    const leaves = await logLeaves();
    expect(leaves).toHaveLength(40);
    const hashes = leaves.map((leaf) => leaf.hash);
    expect(cp).toMatchObject({ treeSize: 40, rootHash: mth(hashes).toString('base64'), events: 40, cosignatures: [] });
    expect(cp.note).toBe(`${checkpointBody(TEST_LOG_ORIGIN, 40, mth(hashes))}\n${parseNote(cp.note).signatures[0].line}\n`);
    expect(verifyNote(cp.note, parseVerifierKey(TEST_LOG_VERIFIER_KEY)).body).toBe(checkpointBody(TEST_LOG_ORIGIN, 40, mth(hashes)));
    expect((await api.anonymous().get('/audit/public-key').expect(200)).body).toEqual({ origin: TEST_LOG_ORIGIN, verifierKey: TEST_LOG_VERIFIER_KEY });
    expect((await api.as('auditor').get('/audit/checkpoints/latest').expect(200)).body).toEqual(cp);

    const auditor = api.as('auditor');
    for (let n = 1; n <= 40; n += 1) {
      for (let m = 0; m < n; m += 1) {
        const { body } = await auditor.get(`/audit/proofs/inclusion?eventId=${leaves[m].eventId}&treeSize=${n}`).expect(200);
        expect(body).toEqual({ leafIndex: m, treeSize: n, eventHash: hashes[m].toString('base64'), proof: b64(path(m, hashes.slice(0, n))) });
      }
    }
    for (let n = 0; n <= 40; n += 1) {
      for (let m = 0; m <= n; m += 1) {
        const { body } = await auditor.get(`/audit/proofs/consistency?from=${m}&to=${n}`).expect(200);
        expect(body).toEqual({ from: m, to: n, proof: b64(proof(m, hashes.slice(0, n))) });
      }
    }
  });

  it('refuses proofs the tree cannot give, naming the parameter, and persists nothing', async () => {
    const before = await api.eventCount();
    const [first] = await logLeaves();
    const auditor = api.as('auditor');
    const beyond = await auditor.get(`/audit/proofs/inclusion?eventId=${first.eventId}&treeSize=${before + 5}`).expect(422);
    expect(beyond.body).toMatchObject({ code: 'TREE_SIZE_OUT_OF_RANGE', field: 'query.treeSize' });
    expect((await auditor.get('/audit/proofs/inclusion?eventId=00000000-0000-4000-8000-000000000000&treeSize=1').expect(404)).body).toMatchObject({ code: 'NOT_IN_TREE', field: 'query.eventId' });
    const leaves = await logLeaves();
    expect((await auditor.get(`/audit/proofs/inclusion?eventId=${leaves[5].eventId}&treeSize=5`).expect(404)).body).toMatchObject({ code: 'NOT_IN_TREE', field: 'query.treeSize' });
    expect((await auditor.get('/audit/proofs/consistency?from=5&to=3').expect(400)).body.errors[0].field).toBe('query.from');
    expect((await auditor.get(`/audit/proofs/consistency?from=1&to=${before + 5}`).expect(422)).body).toMatchObject({ field: 'query.to' });
    await auditor.get('/audit/proofs/inclusion?eventId=not-a-uuid&treeSize=1').expect(400);
    await auditor.get('/audit/proofs/inclusion?eventId=00000000-0000-4000-8000-000000000000&treeSize=1&extra=1').expect(400);
    expect(await api.eventCount()).toBe(before);
  });

  it('records cosignatures only from known witness keys that verify, and lists them with the checkpoint', async () => {
    await addSource();
    const cp = await checkpoint();
    const body = parseNote(cp.note).body;
    const witness = parseNoteSigningKey(TEST_WITNESS_SIGNING_KEY);
    const stranger = parseNoteSigningKey(generateNoteKey('witness.test/w1', COSIGNATURE_V1_KEY_TYPE).privateKey);
    const path = `/audit/checkpoints/${cp.id}/cosignatures`;

    const unknown = await api.as('auditor').post(path).send({ cosignature: cosignatureLine(body, stranger, 1_709_287_200) }).expect(422);
    expect(unknown.body).toMatchObject({ code: 'COSIGNATURE_REFUSED', field: 'body.cosignature' });
    const otherCheckpoint = checkpointBody(TEST_LOG_ORIGIN, cp.treeSize + 1, Buffer.alloc(32));
    await api.as('auditor').post(path).send({ cosignature: cosignatureLine(otherCheckpoint, witness, 1_709_287_200) }).expect(422);
    await api.as('auditor').post(path).send({ cosignature: 'not a signature line' }).expect(422);
    await api.as('auditor').post(path).send({ cosignature: cp.note }).expect(422);
    expect((await api.as('auditor').get('/audit/checkpoints/latest').expect(200)).body.cosignatures).toEqual([]);

    // The whole cosigned note, as a witness hands it back: the log's own line is skipped.
    const line = cosignatureLine(body, witness, 1_709_287_200);
    const { body: stored } = await api.as('admin').post(path).send({ cosignature: `${cp.note}${line}\n` }).expect(200);
    const expected = [{ keyName: 'witness.test/w1', keyId: witness.keyId.toString('hex'), timestamp: 1_709_287_200, line }];
    expect(stored.cosignatures).toEqual(expected);
    await api.as('auditor').post(path).send({ cosignature: line }).expect(200);
    expect((await api.as('auditor').get('/audit/checkpoints').expect(200)).body.items[0]).toMatchObject({ id: cp.id, cosignatures: expected });
    expect((await api.as('auditor').get('/audit/checkpoints/latest').expect(200)).body.cosignatures).toEqual(expected);
    await api.as('auditor').post('/audit/checkpoints/999999/cosignatures').send({ cosignature: line }).expect(404);
  });

  it("exports a claim with its events' inclusion proofs against a checkpoint and the consistency proof from an earlier one; the import still reads it", async () => {
    const sourceId = await addSource();
    const { body: claim } = await api.http().post('/claims').send(openClaimBody(sourceId)).expect(201);
    const cp1 = await checkpoint();
    await api.http().post(`/claims/${claim.id}/reports`).send({ stance: 'supports', report: report(await addSource()) }).expect(201);
    const cp2 = await checkpoint();
    await api.http().post(`/claims/${claim.id}/reports`).send({ stance: 'supports', report: report(await addSource()) }).expect(201);
    await waitUntilLogReadable(api.db.pool);

    const response = await api.as('auditor').get(`/audit/export?claim=${claim.id}&checkpoint=${cp2.id}&since=${cp1.id}`).expect(200);
    const lines = (response.text as string).trim().split('\n');
    const header = JSON.parse(lines[0]);
    const hashes = (await logLeaves()).map((leaf) => leaf.hash);
    expect(header).toMatchObject({ upTo: cp2.position, checkpoint: { id: cp2.id, origin: TEST_LOG_ORIGIN, treeSize: cp2.treeSize, rootHash: cp2.rootHash, note: cp2.note } });
    expect(header.consistency).toEqual({ from: cp1.treeSize, to: cp2.treeSize, proof: b64(proof(cp1.treeSize, hashes.slice(0, cp2.treeSize))) });
    expect(verifyConsistency(cp1.treeSize, cp2.treeSize, Buffer.from(cp1.rootHash, 'base64'), Buffer.from(cp2.rootHash, 'base64'), fromB64(header.consistency.proof))).toBe(true);
    const events = lines.slice(1, -1).map((line) => JSON.parse(line));
    // The claim's opening, the first report (and the sources' registrations): not the report after cp2.
    expect(events.filter((event) => event.streamId === `claim-${claim.id}`)).toHaveLength(2);
    for (const event of events) {
      expect(hashes[event.leafIndex].toString('hex')).toBe(event.hash);
      expect(event.inclusionProof).toEqual(b64(path(event.leafIndex, hashes.slice(0, cp2.treeSize))));
      expect(verifyInclusion(event.leafIndex, cp2.treeSize, leafHash(Buffer.from(event.hash, 'hex')), fromB64(event.inclusionProof), Buffer.from(cp2.rootHash, 'base64'))).toBe(true);
    }
    await api.as('auditor').get(`/audit/export?claim=${claim.id}&checkpoint=${cp1.id}&since=${cp2.id}`).expect(422);
    await api.as('auditor').get(`/audit/export?claim=${claim.id}&since=${cp1.id}`).expect(400);
    await api.as('auditor').get(`/audit/export?claim=${claim.id}&checkpoint=999999`).expect(404);

    const target = await createTestDatabase();
    try {
      const imported = await importLog(target.pool, async function* () {
        yield* lines;
      });
      expect(imported).toMatchObject({ events: events.length, verification: { intact: true } });
    } finally {
      await target.drop();
    }
  });

  it('a tampered event breaks its inclusion proof against the signed root, and verify names its leaf', async () => {
    const cp = await checkpoint();
    const leaves = await logLeaves();
    const victim = leaves[5];
    expect((await api.as('auditor').get('/audit/verify').expect(200)).body).toMatchObject({ intact: true, tree: { intact: true, treeSize: cp.treeSize } });
    const forged = sha(Buffer.from('forged'));
    await behindTheBack(['events'], (query) => query('UPDATE events SET hash = $1 WHERE event_id = $2', [forged, victim.eventId]));

    const { body } = await api.as('auditor').get(`/audit/proofs/inclusion?eventId=${victim.eventId}&treeSize=${cp.treeSize}`).expect(200);
    expect(body.eventHash).toBe(forged.toString('base64'));
    expect(verifyInclusion(5, cp.treeSize, leafHash(forged), fromB64(body.proof), Buffer.from(cp.rootHash, 'base64'))).toBe(false);
    const verify = (await api.as('auditor').get('/audit/verify').expect(200)).body;
    expect(verify).toMatchObject({ intact: false, tree: { intact: false, firstMismatch: { kind: 'leaf', leafIndex: 5, eventId: victim.eventId, expected: forged.toString('hex'), found: victim.hash.toString('hex') } } });
    expect(verify.summary).toMatch(/transparency tree does NOT match the log/);

    await behindTheBack(['events'], (query) => query('UPDATE events SET hash = $1 WHERE event_id = $2', [victim.hash, victim.eventId]));
    expect((await api.as('auditor').get('/audit/verify').expect(200)).body).toMatchObject({ intact: true, tree: { intact: true } });
  });

  it('a rewritten history (events and tree rebuilt) fails the consistency proof from a checkpoint kept outside', async () => {
    const kept = await checkpoint();
    const leaves = await logLeaves();
    await behindTheBack(['events', 'log_tree_leaves', 'log_tree_nodes'], async (query) => {
      await query('UPDATE events SET hash = $1 WHERE event_id = $2', [sha(Buffer.from('rewritten')), leaves[3].eventId]);
      await query('DELETE FROM log_tree_nodes');
      await query('DELETE FROM log_tree_leaves');
    });
    await addSource();
    const later = await checkpoint();
    expect(later.treeSize).toBe(kept.treeSize + 1);
    const { body } = await api.as('auditor').get(`/audit/proofs/consistency?from=${kept.treeSize}&to=${later.treeSize}`).expect(200);
    expect(verifyConsistency(kept.treeSize, later.treeSize, Buffer.from(kept.rootHash, 'base64'), Buffer.from(later.rootHash, 'base64'), fromB64(body.proof))).toBe(false);
    const verify = (await api.as('auditor').get('/audit/verify').expect(200)).body;
    expect(verify.tree).toMatchObject({ intact: false, firstMismatch: { kind: 'root' } });
  });

  it('keeps the tree append-only for the application role', async () => {
    await expect(api.appPool.query('UPDATE log_tree_nodes SET hash = hash')).rejects.toThrow(/permission denied|append-only/);
    await expect(api.appPool.query('DELETE FROM log_tree_leaves')).rejects.toThrow(/permission denied|append-only/);
    await expect(api.appPool.query('DELETE FROM log_checkpoint_cosignatures')).rejects.toThrow(/permission denied|append-only/);
  });
});
