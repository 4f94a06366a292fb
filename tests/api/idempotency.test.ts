import type { PoolClient } from 'pg';
import { claimStreamId, sourceStreamId } from '@claims/contracts';
import { waitUntil } from '@claims/testing';
import { sourceLockKey } from '@claims/projections';
import { EDITOR, EDITOR_ACTOR, openClaimBody, registerSource, report } from './api-fixtures';
import { ApiKeyAuthenticator } from '../../apps/api/src/auth/api-key.authenticator';
import { startApiTestApp, type ApiTestApp } from './api-test-app';

describe('Idempotency-Key retries', () => {
  let api: ApiTestApp;
  let source: string;

  beforeAll(async () => {
    api = await startApiTestApp();
    source = await registerSource(api, { name: 'Sahel Wire', reliability: 'C' });
  });
  afterAll(() => api.close());

  const claimCount = async () => Number((await api.db.pool.query<{ count: string }>('SELECT count(*) FROM claim_view')).rows[0].count);
  const streamEvents = async (streamId: string) =>
    Number((await api.db.pool.query<{ count: string }>('SELECT count(*) FROM events WHERE stream_id = $1', [streamId])).rows[0].count);
  const keyRow = async (key: string) =>
    (await api.db.pool.query<{ status: number; request_hash: string }>('SELECT status, request_hash FROM idempotency_keys WHERE actor_id = $1 AND key = $2', [EDITOR_ACTOR.id, key]))
      .rows[0];
  const regrade = (sourceId: string, key: string, reliability: string) =>
    api.http().put(`/sources/${sourceId}/reliability`).set(EDITOR).set('Idempotency-Key', key).send({ reliability, reason: `regraded to ${reliability}` });

  /** A side transaction holding what writers wait on, so that a request stops inside its own transaction. */
  const hold = async (statement: string, params: unknown[]): Promise<{ release: () => Promise<void> }> => {
    const side: PoolClient = await api.db.pool.connect();
    await side.query('BEGIN');
    await side.query(statement, params);
    return {
      release: async () => {
        await side.query('COMMIT');
        side.release();
      },
    };
  };
  /** A source's lock, exclusive (as its writer holds it): re-grades of it and claim writes reading it wait. */
  const holdSource = (sourceId: string) => hold('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [sourceLockKey(sourceId)]);

  /** The backend of the app's request that waits on a lock of `locktype`, with what it holds on `events`. */
  const waitingRequest = (locktype: 'advisory' | 'transactionid') =>
    waitUntil(
      async () =>
        (
          await api.db.pool.query<{ pid: number; inserted_events: boolean }>(
            `SELECT l.pid, EXISTS (SELECT 1 FROM pg_locks e WHERE e.pid = l.pid AND e.relation = 'events'::regclass AND e.mode = 'RowExclusiveLock') AS inserted_events
               FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
              WHERE NOT l.granted AND l.locktype = $1 AND a.datname = current_database() AND l.pid <> pg_backend_pid()`,
            [locktype],
          )
        ).rows[0],
      { what: `a request waiting on a ${locktype} lock` },
    );

  it('a retried POST returns the first response and writes nothing new', async () => {
    const first = await api.http().post('/claims').set(EDITOR).set('Idempotency-Key', 'open-kalamba-1').send(openClaimBody(source)).expect(201);
    const events = await api.eventCount();
    const claims = await api.db.pool.query('SELECT claim_id FROM claim_view');

    api.tick(5);
    const retry = await api.http().post('/claims').set(EDITOR).set('Idempotency-Key', 'open-kalamba-1').send(openClaimBody(source)).expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.location).toBe(first.headers.location);
    expect(retry.headers.etag).toBe(first.headers.etag);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await api.eventCount()).toBe(events);
    expect((await api.db.pool.query('SELECT claim_id FROM claim_view')).rows).toEqual(claims.rows);
  });

  it('a retried report after the stored answer was lost is recognised by its derived id and writes nothing', async () => {
    const { body: claim } = await api.http().post('/claims').set(EDITOR).send(openClaimBody(source)).expect(201);
    const radio = await registerSource(api, { name: 'Ménaka Radio', reliability: 'C' });
    const send = () =>
      api.http().post(`/claims/${claim.id}/reports`).set(EDITOR).set('Idempotency-Key', 'radio-report').send({ stance: 'supports', report: report(radio) });
    const first = await send().expect(201);
    // An operator cleared the stored answers: the command runs again, and the decider recognises it.
    await api.db.pool.query('DELETE FROM idempotency_keys');
    const events = await api.eventCount();
    const again = await send().expect(201);
    expect(again.body.reportId).toBe(first.body.reportId);
    expect(again.body.claim.version).toBe(first.body.claim.version);
    expect(await api.eventCount()).toBe(events);
  });

  it('while the first request waits inside its command, a retry with its key gets 409 IDEMPOTENCY_KEY_IN_PROGRESS however old the first is; then the first answers, a third replays it, and one command was written', async () => {
    const radar = await registerSource(api, { name: 'Radar Tessit', reliability: 'C' });
    const before = await streamEvents(sourceStreamId(radar));
    const catalogue = await holdSource(radar);
    let firstDone = false;
    const first = regrade(radar, 'radar-b', 'B').then((response) => {
      firstDone = true;
      return response;
    });
    try {
      await waitingRequest('advisory');
      // The reviewer's take-over: a claim older than any lease. Nothing records the running request but its lock.
      await api.db.pool.query(`UPDATE idempotency_keys SET created_at = created_at - interval '1 hour' WHERE key = 'radar-b'`);
      expect(await keyRow('radar-b')).toBeUndefined();

      const retry = await regrade(radar, 'radar-b', 'B');
      expect({ status: retry.status, code: retry.body.code, retryAfter: retry.headers['retry-after'], firstDone }).toEqual({
        status: 409,
        code: 'IDEMPOTENCY_KEY_IN_PROGRESS',
        retryAfter: '1',
        firstDone: false,
      });
    } finally {
      await catalogue.release();
    }
    const answered = await first;
    expect({ status: answered.status, reliability: answered.body.reliability }).toEqual({ status: 200, reliability: 'B' });
    const third = await regrade(radar, 'radar-b', 'B');
    expect({ status: third.status, replayed: third.headers['idempotent-replayed'], body: third.body }).toEqual({ status: 200, replayed: 'true', body: answered.body });
    expect(await streamEvents(sourceStreamId(radar))).toBe(before + 1);
  });

  it("a retry of an earlier update replays its answer and does not undo a later update (the reviewer's lost-update sequence)", async () => {
    const wire = await registerSource(api, { name: 'Gao Wire', reliability: 'C' });
    const gradeA = await regrade(wire, 'grade-a', 'A').expect(200);
    const gradeB = await regrade(wire, 'grade-b', 'B').expect(200);
    const events = await streamEvents(sourceStreamId(wire));
    // What a crash after the command's commit left under a lease: the key claimed, no answer, aged. A key
    // row now exists only with the answer its command committed with; the database refuses any other.
    await expect(api.db.pool.query(`UPDATE idempotency_keys SET status = 0, body = NULL, created_at = now() - interval '61 s' WHERE key = 'grade-a'`)).rejects.toThrow(
      /idempotency_keys_status_is_a_response/,
    );

    const retry = await regrade(wire, 'grade-a', 'A');
    expect({ status: retry.status, replayed: retry.headers['idempotent-replayed'], body: retry.body }).toEqual({ status: 200, replayed: 'true', body: gradeA.body });
    const { body: now } = await api.http().get(`/sources/${wire}`).set(EDITOR).expect(200);
    expect({ reliability: now.reliability, version: now.version }).toEqual({ reliability: 'B', version: gradeB.body.version });
    expect(await streamEvents(sourceStreamId(wire))).toBe(events);
  });

  it('a request whose backend is terminated in the middle of its transaction persists nothing, the process lives, and its retry writes once', async () => {
    const body = openClaimBody(source, { statement: 'JNIM fighters burned the market in Ménaka' });
    const events = await api.eventCount();
    const claims = await claimCount();
    const catalogue = await holdSource(source);
    const cutOff = api.http().post('/claims').set(EDITOR).set('Idempotency-Key', 'market').send(body).then((response) => response);
    try {
      const { pid } = await waitingRequest('advisory');
      await api.db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
      const answer = await cutOff;
      expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 503, code: 'DATABASE_UNAVAILABLE' });
    } finally {
      await catalogue.release();
    }
    expect({ events: await api.eventCount(), claims: await claimCount(), key: await keyRow('market') }).toEqual({ events, claims, key: undefined });

    const retry = await api.http().post('/claims').set(EDITOR).set('Idempotency-Key', 'market').send(body);
    expect({ status: retry.status, replayed: retry.headers['idempotent-replayed'] }).toEqual({ status: 201, replayed: undefined });
    expect({ claims: await claimCount(), status: (await keyRow('market')).status }).toEqual({ claims: claims + 1, status: 201 });
    const again = await api.http().post('/claims').set(EDITOR).set('Idempotency-Key', 'market').send(body).expect(201);
    expect({ replayed: again.headers['idempotent-replayed'], body: again.body }).toEqual({ replayed: 'true', body: retry.body });
    expect(await claimCount()).toBe(claims + 1);
  });

  it("a crash after the command's events are inserted but before COMMIT leaves no events and no key; the retry writes once", async () => {
    const { body: claim } = await api.http().post('/claims').set(EDITOR).send(openClaimBody(source, { statement: 'A convoy was ambushed near Tessit' })).expect(201);
    const radio = await registerSource(api, { name: 'Radio Tessit', reliability: 'B' });
    const claimEvents = await streamEvents(claimStreamId(claim.id));
    const send = () =>
      api.http().post(`/claims/${claim.id}/reports`).set(EDITOR).set('Idempotency-Key', 'convoy-report').send({ stance: 'supports', report: report(radio) });
    // The claim's row, locked: the command appends its events, then waits to project them.
    const row = await hold('SELECT 1 FROM claim_view WHERE claim_id = $1 FOR UPDATE', [claim.id]);
    const cutOff = send().then((response) => response);
    try {
      const waiting = await waitingRequest('transactionid');
      expect(waiting.inserted_events).toBe(true);
      await api.db.pool.query('SELECT pg_terminate_backend($1)', [waiting.pid]);
      expect((await cutOff).status).toBe(503);
    } finally {
      await row.release();
    }
    expect({ events: await streamEvents(claimStreamId(claim.id)), key: await keyRow('convoy-report') }).toEqual({ events: claimEvents, key: undefined });

    const retry = await send();
    expect({ status: retry.status, replayed: retry.headers['idempotent-replayed'] }).toEqual({ status: 201, replayed: undefined });
    expect(await streamEvents(claimStreamId(claim.id))).toBe(claimEvents + 1);
    const again = await send().expect(201);
    expect({ replayed: again.headers['idempotent-replayed'], reportId: again.body.reportId }).toEqual({ replayed: 'true', reportId: retry.body.reportId });
    expect(await streamEvents(claimStreamId(claim.id))).toBe(claimEvents + 1);
  });

  it('concurrent identical requests with one key write one claim; the others get the stored answer or 409', async () => {
    const body = openClaimBody(source, { statement: 'Drone strike on a wedding near Tin Zaouatene' });
    const claims = await claimCount();
    const responses = await Promise.all(Array.from({ length: 8 }, () => api.http().post('/claims').set(EDITOR).set('Idempotency-Key', 'wedding').send(body)));
    const created = responses.filter((response) => response.status === 201);
    expect(responses.filter((response) => response.status !== 201 && !(response.status === 409 && response.body.code === 'IDEMPOTENCY_KEY_IN_PROGRESS'))).toEqual([]);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((response) => response.body.id)).size).toBe(1);
    expect(await claimCount()).toBe(claims + 1);
  });

  it('the same key with a different request is refused with 422 IDEMPOTENCY_KEY_REUSED and writes nothing', async () => {
    await api.http().post('/claims').set(EDITOR).set('Idempotency-Key', 'reused').send(openClaimBody(source, { statement: 'A bridge was blown up near Ansongo' })).expect(201);
    const events = await api.eventCount();
    const other = await api.http().post('/claims').set(EDITOR).set('Idempotency-Key', 'reused').send(openClaimBody(source, { statement: 'A well was poisoned near Ansongo' }));
    expect({ status: other.status, code: other.body.code, field: other.body.field }).toEqual({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED', field: 'header.idempotency-key' });
    expect(await api.eventCount()).toBe(events);
  });

  it('a key revoked by a keyed request is announced to its listeners (open streams) only once the revocation is committed: they see it revoked', async () => {
    const authenticator = api.app.get(ApiKeyAuthenticator);
    const { body: key } = await api.as('admin').post('/admin/api-keys').send({ name: 'wire desk', role: 'feed' }).expect(201);
    const seen: Array<Promise<string>> = [];
    const unsubscribe = authenticator.onKeyChanged((keyId) => {
      if (keyId === key.id) seen.push(authenticator.recheck(keyId, new Date()).then((result) => (result.ok ? 'active' : result.reason)));
    });
    try {
      await api.as('admin').post(`/admin/api-keys/${key.id}/revocation`).set('Idempotency-Key', 'retire-wire-desk').send({ reason: 'desk closed' }).expect(200);
      expect(await Promise.all(seen)).toEqual(['revoked']);
    } finally {
      unsubscribe();
    }
  });
});

describe('Idempotency-Key: a keyed request needs no connection besides its own unit of work', () => {
  let api: ApiTestApp;
  beforeAll(async () => {
    api = await startApiTestApp({ poolSize: 1 });
  });
  afterAll(() => api.close());

  it('with a pool of one connection, every kind of keyed write completes (source, re-grade, claim, report, checkpoint, key revocation) and replays', async () => {
    const within = 5000;
    const { body: source } = await api.http().post('/sources').set('Idempotency-Key', 'one-source').send({ kind: 'news_outlet', name: 'Kidal Post', reliability: 'C' }).timeout(within).expect(201);
    await api.http().put(`/sources/${source.id}/reliability`).set('Idempotency-Key', 'one-regrade').send({ reliability: 'B', reason: 'track record' }).timeout(within).expect(200);
    const { body: claim } = await api.http().post('/claims').set('Idempotency-Key', 'one-claim').send(openClaimBody(source.id)).timeout(within).expect(201);
    const radio = await registerSource(api, { name: 'Radio Kidal', reliability: 'C' });
    await api.http().post(`/claims/${claim.id}/reports`).set('Idempotency-Key', 'one-report').send({ stance: 'supports', report: report(radio) }).timeout(within).expect(201);
    const checkpoint = await api.as('auditor').post('/audit/checkpoints').set('Idempotency-Key', 'one-checkpoint').send({}).timeout(within).expect(201);
    await api.as('admin').post(`/admin/api-keys/${api.keys.reader.id}/revocation`).set('Idempotency-Key', 'one-revocation').send({ reason: 'left' }).timeout(within).expect(200);

    const replay = await api.as('auditor').post('/audit/checkpoints').set('Idempotency-Key', 'one-checkpoint').send({}).timeout(within).expect(201);
    expect({ replayed: replay.headers['idempotent-replayed'], body: replay.body }).toEqual({ replayed: 'true', body: checkpoint.body });
    expect(Number((await api.db.pool.query<{ count: string }>('SELECT count(*) FROM log_checkpoints')).rows[0].count)).toBe(1);
  });
});
