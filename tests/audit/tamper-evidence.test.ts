import { randomUUID } from 'node:crypto';
import {
  chainHashOf,
  computeLogDigest,
  contentHashOf,
  createCheckpoint,
  findCheckpoint,
  formatLogPosition,
  PgEventStore,
  verifyCheckpoint,
  verifyLog,
  withTransaction,
} from '@claims/event-store';
import { createTestDatabase, waitUntilLogReadable, type TestDatabase } from '@claims/testing';

/**
 * Tampering behind the application's back: as the database superuser, with the append-only triggers
 * disabled, rows are edited, deleted, inserted and reordered. `verifyLog` must name the stream and version
 * where the chain breaks; with the rows restored it must say the log is intact again.
 */
describe('tamper evidence', () => {
  let db: TestDatabase;
  let store: PgEventStore;
  const streams = [`claim-${randomUUID()}`, `claim-${randomUUID()}`, `source-${randomUUID()}`];
  const [first, target, other] = streams;

  const event = (n: number) => ({
    eventId: randomUUID(),
    type: 'ClaimCorroborated',
    data: { n, quote: `report ${n}`, figure: { low: n * 10.5 } },
    metadata: { actor: { id: 'analyst-1' }, correlationId: `corr-${n}` },
  });

  /** Runs statements as the superuser with the events triggers off, in one transaction. */
  const behindTheBack = (work: (query: (sql: string, values?: unknown[]) => Promise<unknown>) => Promise<unknown>) =>
    withTransaction(db.pool, async (client) => {
      await client.query('ALTER TABLE events DISABLE TRIGGER USER');
      await work((sql, values) => client.query(sql, values));
      await client.query('ALTER TABLE events ENABLE TRIGGER USER');
    });

  const rowsOf = async (streamId: string) =>
    (await db.pool.query('SELECT * FROM events WHERE stream_id = $1 ORDER BY stream_version', [streamId])).rows as Array<Record<string, unknown>>;

  /** Puts a stream's rows back exactly as they were (same positions, transaction ids and hashes). */
  const restore = async (streamId: string, rows: Array<Record<string, unknown>>) =>
    behindTheBack(async (query) => {
      await query('DELETE FROM events WHERE stream_id = $1', [streamId]);
      for (const row of rows) {
        await query(
          `INSERT INTO events (global_position, transaction_id, stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at, hash)
           OVERRIDING SYSTEM VALUE VALUES ($1, $2::text::xid8, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [row.global_position, String(row.transaction_id), row.stream_id, row.stream_version, row.event_id, row.event_type, row.schema_version, row.data, row.metadata, row.recorded_at, row.hash],
        );
      }
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PgEventStore({ pool: db.pool });
    // Interleaved appends, so the streams' events alternate in the log.
    for (let n = 1; n <= 4; n++) for (const streamId of streams) await store.append(streamId, [event(n)]);
  });
  afterAll(() => db.drop());

  /** `verifyLog` once every event of this database is readable (see waitUntilLogReadable). */
  const verify: typeof verifyLog = async (...args) => {
    await waitUntilLogReadable(db.pool);
    return verifyLog(...args);
  };

  it('reports an untouched log as intact up to its head', async () => {
    await waitUntilLogReadable(db.pool);
    const head = await store.headPosition();
    const result = await verify(db.pool, { batchSize: 5 });
    expect(result).toMatchObject({ intact: true, events: 12, streams: 3, brokenStreams: 0, checkedUpTo: head, intactUpTo: head });
  });

  it('an edited event: names exactly that stream and version, with the expected and the found hash; restored, intact', async () => {
    const original = await rowsOf(target);
    await behindTheBack((query) =>
      query(`UPDATE events SET data = jsonb_set(data, '{quote}', '"report 2, edited"') WHERE stream_id = $1 AND stream_version = 2`, [target]),
    );

    const result = await verify(db.pool, { batchSize: 5 });
    const [edited] = await db.pool.query('SELECT * FROM events WHERE stream_id = $1 AND stream_version = 2', [target]).then((r) => r.rows);
    const expectedHash = chainHashOf(original[0].hash as Buffer, 2, contentHashOf({
      streamId: target,
      eventId: edited.event_id,
      type: edited.event_type,
      schemaVersion: edited.schema_version,
      data: edited.data,
      metadata: edited.metadata,
      recordedAt: edited.recorded_at,
    })).toString('hex');
    expect(result.intact).toBe(false);
    expect(result.brokenStreams).toBe(1);
    expect(result.firstBroken).toEqual({
      streamId: target,
      version: 2,
      expectedVersion: 2,
      reason: 'hash_mismatch',
      position: { transactionId: String(original[1].transaction_id), globalPosition: Number(original[1].global_position) },
      expectedHash,
      foundHash: (original[1].hash as Buffer).toString('hex'),
    });
    // Everything before the edited event in log order is still proven.
    const [before] = (await rowsOf(first)).filter((row) => row.stream_version === '2');
    expect(result.intactUpTo && formatLogPosition(result.intactUpTo)).toBe(`${String(before.transaction_id)}-${String(before.global_position)}`);
    expect((await verify(db.pool, { streamId: first })).intact).toBe(true);
    expect((await verify(db.pool, { streamId: target })).firstBroken?.version).toBe(2);

    await restore(target, original);
    expect((await verify(db.pool)).intact).toBe(true);
  });

  it('a deleted event: the version gap is named', async () => {
    const original = await rowsOf(target);
    await behindTheBack((query) => query('DELETE FROM events WHERE stream_id = $1 AND stream_version = 2', [target]));

    const result = await verify(db.pool);
    expect(result.firstBroken).toMatchObject({ streamId: target, version: 3, expectedVersion: 2, reason: 'version_gap' });

    await restore(target, original);
    expect((await verify(db.pool)).intact).toBe(true);
  });

  it('an inserted event, even one whose own hash is forged correctly: the next link breaks', async () => {
    const original = await rowsOf(target);
    await behindTheBack(async (query) => {
      // Make room at version 2, then insert a forged event chained correctly to version 1.
      for (const version of [4, 3, 2]) {
        await query('UPDATE events SET stream_version = stream_version + 1 WHERE stream_id = $1 AND stream_version = $2', [target, version]);
      }
      const forged = { streamId: target, eventId: randomUUID(), type: 'ClaimDisputed', schemaVersion: 1, data: { forged: true }, metadata: {}, recordedAt: new Date() };
      const hash = chainHashOf(original[0].hash as Buffer, 2, contentHashOf(forged));
      await query(
        `INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at, hash)
         VALUES ($1, 2, $2, $3, 1, $4, $5, $6, $7)`,
        [target, forged.eventId, forged.type, forged.data, forged.metadata, forged.recordedAt, hash],
      );
    });

    const result = await verify(db.pool);
    expect(result.firstBroken).toMatchObject({ streamId: target, version: 3, expectedVersion: 3, reason: 'hash_mismatch' });

    await restore(target, original);
    expect((await verify(db.pool)).intact).toBe(true);
  });

  it('swapped versions: the first swapped version is named', async () => {
    const original = await rowsOf(other);
    await behindTheBack(async (query) => {
      await query('UPDATE events SET stream_version = 1000 WHERE stream_id = $1 AND stream_version = 2', [other]);
      await query('UPDATE events SET stream_version = 2 WHERE stream_id = $1 AND stream_version = 3', [other]);
      await query('UPDATE events SET stream_version = 3 WHERE stream_id = $1 AND stream_version = 1000', [other]);
    });

    const result = await verify(db.pool);
    expect(result.firstBroken).toMatchObject({ streamId: other, version: 2, reason: 'hash_mismatch' });
    expect(result.brokenStreams).toBe(1);

    await restore(other, original);
    expect((await verify(db.pool)).intact).toBe(true);
  });

  it('a checkpoint kept outside proves the log; a dropped last event or a consistently rewritten chain fails it', async () => {
    await waitUntilLogReadable(db.pool);
    const { checkpoint } = await createCheckpoint(db.pool);
    const kept = { position: checkpoint.position, merkleRoot: checkpoint.merkleRoot };
    expect(checkpoint).toMatchObject({ streams: 3, events: 12 });
    expect(await findCheckpoint(db.pool, checkpoint.merkleRoot)).toEqual(checkpoint);
    expect(await verifyCheckpoint(db.pool, kept, checkpoint)).toMatchObject({ matches: true, checkpointIntact: true });

    // Appends after the checkpoint do not change what it proves.
    await store.append(first, [event(5)]);
    expect((await verifyCheckpoint(db.pool, kept)).matches).toBe(true);
    await waitUntilLogReadable(db.pool);
    expect((await createCheckpoint(db.pool, { onlyIfGrown: true })).created).toBe(true);
    expect((await createCheckpoint(db.pool, { onlyIfGrown: true })).created).toBe(false);

    // Dropping a stream's last event leaves a valid (shorter) chain: only the checkpoint notices.
    const original = await rowsOf(other);
    await behindTheBack((query) => query('DELETE FROM events WHERE stream_id = $1 AND stream_version = 4', [other]));
    expect((await verify(db.pool)).intact).toBe(true);
    expect((await verifyCheckpoint(db.pool, kept)).matches).toBe(false);
    await restore(other, original);

    // Rewriting an event and re-chaining everything after it also verifies as a chain, but not as the checkpoint.
    const rows = await rowsOf(target);
    await behindTheBack(async (query) => {
      let previous = rows[0].hash as Buffer;
      for (const row of rows.slice(1)) {
        const data = row.stream_version === '2' ? { ...(row.data as object), quote: 'rewritten' } : row.data;
        const hash = chainHashOf(previous, Number(row.stream_version), contentHashOf({
          streamId: target,
          eventId: row.event_id as string,
          type: row.event_type as string,
          schemaVersion: row.schema_version as number,
          data: data as object,
          metadata: row.metadata as object,
          recordedAt: row.recorded_at as Date,
        }));
        await query('UPDATE events SET data = $1, hash = $2 WHERE stream_id = $3 AND stream_version = $4', [data, hash, target, row.stream_version]);
        previous = hash;
      }
    });
    expect((await verify(db.pool)).intact).toBe(true);
    const rewritten = await verifyCheckpoint(db.pool, kept);
    expect(rewritten.matches).toBe(false);
    expect(rewritten.found.merkleRoot).not.toBe(kept.merkleRoot);
    await restore(target, rows);
    expect((await computeLogDigest(db.pool, kept.position)).merkleRoot).toBe(kept.merkleRoot);
  });
});
