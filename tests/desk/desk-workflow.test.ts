import { exportLog, importLog } from '@claims/event-store';
import { RebuildInterrupted, rebuildProjections } from '@claims/projections';
import { createTestDatabase, waitUntilLogReadable } from '@claims/testing';
import { openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, TEST_KEYS_ISSUED_AT, type ApiTestApp } from '../api/api-test-app';
import { createTestApiKey, revokeTestApiKey } from '../support/api-keys';

/** The desk's workflow over HTTP, against a real PostgreSQL: assignment, work states, checklist, comments. */
describe('desk workflow', () => {
  let api: ApiTestApp;
  let sourceId: string;

  beforeAll(async () => {
    api = await startApiTestApp();
    sourceId = await registerSource(api, { name: 'Sahel Daily', reliability: 'C' });
  });
  afterAll(() => api.close());

  const newClaim = async (): Promise<string> => (await api.http().post('/claims').send(openClaimBody(sourceId)).expect(201)).body.id;
  const unchanged = async (run: () => Promise<unknown>) => {
    const before = await api.eventCount();
    await run();
    expect(await api.eventCount()).toBe(before);
  };

  describe('assignment', () => {
    it('assigns to a real key, reassigns, unassigns; each answer carries the work version as ETag', async () => {
      const claimId = await newClaim();
      const fresh = await api.as('reader').get(`/claims/${claimId}/work`).expect(200);
      expect(fresh.body).toMatchObject({ claimId, workState: 'new', assignee: null, version: 0, commentCount: 0, lastActivityAt: null, allowedTransitions: [] });
      expect(fresh.headers.etag).toBe('"0"');

      const assigned = await api.as('analyst').put(`/claims/${claimId}/assignment`).send({ assignee: api.keys.analyst.id }).expect(200);
      expect(assigned.body.assignee).toEqual({ keyId: api.keys.analyst.id, name: 'Jules (analyst)' });
      expect(assigned.headers.etag).toBe('"1"');

      const reassigned = await api.http().put(`/claims/${claimId}/assignment`).set('If-Match', '"1"').send({ assignee: api.keys.editor.id }).expect(200);
      expect(reassigned.body).toMatchObject({ assignee: { keyId: api.keys.editor.id, name: 'Amina (editor)' }, version: 2 });
      const { body: history } = await api.as('auditor').get(`/claims/${claimId}/work/history`).expect(200);
      expect(history.items.map((item: { type: string; data: Record<string, unknown>; recordedBy: string }) => [item.type, item.data.assignee, item.data.previousAssignee, item.recordedBy])).toEqual([
        ['ClaimAssigned', api.keys.analyst.id, null, api.keys.analyst.id],
        ['ClaimAssigned', api.keys.editor.id, api.keys.analyst.id, api.keys.editor.id],
      ]);

      await unchanged(() => api.http().put(`/claims/${claimId}/assignment`).send({ assignee: api.keys.editor.id }).expect(200));
      const unassigned = await api.as('analyst').delete(`/claims/${claimId}/assignment`).expect(200);
      expect(unassigned.body).toMatchObject({ assignee: null, version: 3 });
      await unchanged(() => api.as('analyst').delete(`/claims/${claimId}/assignment`).expect(200));
    });

    it('refuses keys that cannot work, naming `assignee`, and writes nothing', async () => {
      const claimId = await newClaim();
      const revoked = await createTestApiKey(api.db.pool, 'analyst', { now: TEST_KEYS_ISSUED_AT });
      await revokeTestApiKey(api.db.pool, revoked.id);
      const expired = await createTestApiKey(api.db.pool, 'analyst', { now: TEST_KEYS_ISSUED_AT, expiresAt: '2024-02-01T00:00:00Z' });
      const cases: Array<[string, string]> = [
        [api.keys.reader.id, 'cannot_work'],
        [api.keys.auditor.id, 'cannot_work'],
        [revoked.id, 'revoked'],
        [expired.id, 'expired'],
        ['0b8e2cde-6d4f-4a49-9f3e-1e7b2a3c4d5e', 'unknown'],
      ];
      for (const [assignee, reason] of cases) {
        await unchanged(async () => {
          const { body, headers } = await api.http().put(`/claims/${claimId}/assignment`).send({ assignee }).expect(422);
          expect(headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(body).toMatchObject({ code: 'ASSIGNEE_NOT_ASSIGNABLE', field: 'assignee', details: { assignee, reason } });
        });
      }
      const { body } = await api.http().put(`/claims/${claimId}/assignment`).send({ assignee: 'not-a-uuid' }).expect(400);
      expect(body.field ?? body.errors?.[0]?.field).toBe('assignee');
    });

    it('answers 404 for a claim that does not exist, on every work route', async () => {
      const missing = '3f0c9a52-1d2e-4b6f-8a7c-9d0e1f2a3b4c';
      await unchanged(async () => {
        for (const call of [
          api.http().get(`/claims/${missing}/work`),
          api.http().put(`/claims/${missing}/assignment`).send({ assignee: api.keys.analyst.id }),
          api.http().delete(`/claims/${missing}/assignment`),
          api.http().put(`/claims/${missing}/work-state`).send({ state: 'in_progress' }),
          api.http().get(`/claims/${missing}/tasks`),
          api.http().put(`/claims/${missing}/tasks/geolocate`).send({ done: true }),
          api.http().post(`/claims/${missing}/tasks`).send({ name: 'x' }),
          api.http().get(`/claims/${missing}/comments`),
          api.http().post(`/claims/${missing}/comments`).send({ body: 'x' }),
          api.http().get(`/claims/${missing}/work/history`),
        ]) {
          const { body } = await call.expect(404);
          expect(body).toMatchObject({ code: 'CLAIM_NOT_FOUND', field: 'claimId' });
        }
      });
    });

    it('refuses work on a merged claim with 409 CLAIM_MERGED naming where it went (the queue leaves it out), writing nothing', async () => {
      const duplicate = await newClaim();
      const kept = await newClaim();
      await api.http().post(`/claims/${duplicate}/merge`).send({ intoClaimId: kept, reason: 'Same incident' }).expect(200);
      await unchanged(async () => {
        for (const call of [
          api.http().put(`/claims/${duplicate}/assignment`).send({ assignee: api.keys.analyst.id }),
          api.http().delete(`/claims/${duplicate}/assignment`),
          api.http().put(`/claims/${duplicate}/work-state`).send({ state: 'in_progress' }),
          api.http().put(`/claims/${duplicate}/tasks/geolocate`).send({ done: true }),
          api.http().post(`/claims/${duplicate}/tasks`).send({ name: 'Call the witness' }),
          api.http().post(`/claims/${duplicate}/comments`).send({ body: 'still on it' }),
        ]) {
          const { body } = await call.expect(409);
          expect(body).toMatchObject({ code: 'CLAIM_MERGED', field: 'claimId', details: { mergedInto: kept } });
        }
      });
      await api.http().get(`/claims/${duplicate}/work`).expect(200);
    });
  });

  describe('work states', () => {
    it('walks the workflow: analysts progress, only an editor closes a review or reopens', async () => {
      const claimId = await newClaim();
      const refused = await api.as('analyst').put(`/claims/${claimId}/work-state`).send({ state: 'done' }).expect(409);
      expect(refused.body).toMatchObject({ code: 'WORK_STATE_TRANSITION_REFUSED', field: 'state', details: { from: 'new', to: 'done' } });

      const started = await api.as('analyst').put(`/claims/${claimId}/work-state`).send({ state: 'in_progress', note: 'Taking it' }).expect(200);
      expect(started.body).toMatchObject({ workState: 'in_progress', allowedTransitions: ['help_needed', 'ready_for_review', 'on_hold'] });
      await api.as('analyst').put(`/claims/${claimId}/work-state`).send({ state: 'help_needed' }).expect(200);
      await api.as('analyst').put(`/claims/${claimId}/work-state`).send({ state: 'in_progress' }).expect(200);
      const review = await api.as('analyst').put(`/claims/${claimId}/work-state`).send({ state: 'ready_for_review' }).expect(200);
      expect(review.body.allowedTransitions).toEqual(['in_progress']);
      expect((await api.http().get(`/claims/${claimId}/work`).expect(200)).body.allowedTransitions).toEqual(['done', 'in_progress']);

      await unchanged(async () => {
        const { body } = await api.as('analyst').put(`/claims/${claimId}/work-state`).send({ state: 'done' }).expect(403);
        expect(body).toMatchObject({ code: 'WORK_REVIEW_REQUIRED', field: 'state', details: { from: 'ready_for_review', to: 'done' } });
      });
      await api.as('editor').put(`/claims/${claimId}/work-state`).send({ state: 'done' }).expect(200);
      await api.as('analyst').put(`/claims/${claimId}/work-state`).send({ state: 'in_progress' }).expect(403);
      const reopened = await api.as('editor').put(`/claims/${claimId}/work-state`).send({ state: 'in_progress', note: 'New footage' }).expect(200);
      expect(reopened.body).toMatchObject({ workState: 'in_progress', version: 6 });

      const { body: history } = await api.http().get(`/claims/${claimId}/work/history`).expect(200);
      expect(history.items.map((item: { data: { from: string; to: string } }) => `${item.data.from}>${item.data.to}`)).toEqual([
        'new>in_progress',
        'in_progress>help_needed',
        'help_needed>in_progress',
        'in_progress>ready_for_review',
        'ready_for_review>done',
        'done>in_progress',
      ]);
      expect(history.items[0].data.note).toBe('Taking it');
    });

    it('refuses an unknown state or an empty note, naming the field', async () => {
      const claimId = await newClaim();
      await unchanged(async () => {
        const unknown = await api.http().put(`/claims/${claimId}/work-state`).send({ state: 'finished' }).expect(400);
        expect(unknown.body.errors.map((error: { field: string }) => error.field)).toContain('state');
        const note = await api.http().put(`/claims/${claimId}/work-state`).send({ state: 'on_hold', note: '  ' }).expect(400);
        expect(note.body.errors.map((error: { field: string }) => error.field)).toContain('note');
      });
    });

    it('answers 412 for a stale If-Match (the work version, not the claim version)', async () => {
      const claimId = await newClaim();
      await api.http().put(`/claims/${claimId}/work-state`).set('If-Match', '"0"').send({ state: 'in_progress' }).expect(200);
      await unchanged(async () => {
        const { body } = await api.http().put(`/claims/${claimId}/work-state`).set('If-Match', '"0"').send({ state: 'on_hold' }).expect(412);
        expect(body.code).toBe('STALE_VERSION');
        await api.http().post(`/claims/${claimId}/comments`).set('If-Match', '"5"').send({ body: 'late' }).expect(412);
      });
      await api.http().put(`/claims/${claimId}/work-state`).set('If-Match', '"1"').send({ state: 'on_hold' }).expect(200);
    });

    it('two desks racing on the same version: one wins, the other gets 412 and writes nothing', async () => {
      const claimId = await newClaim();
      const race = await Promise.all([
        api.as('analyst').put(`/claims/${claimId}/work-state`).set('If-Match', '"0"').send({ state: 'in_progress' }),
        api.as('editor').put(`/claims/${claimId}/assignment`).set('If-Match', '"0"').send({ assignee: api.keys.editor.id }),
      ]);
      expect(race.map((response) => response.status).sort()).toEqual([200, 412]);
      const { body } = await api.http().get(`/claims/${claimId}/work/history`).expect(200);
      expect(body.items).toHaveLength(1);
    });
  });

  describe('checklist', () => {
    it('shows the template unticked without writing, seeds on the first tick, ticks, unticks and adds', async () => {
      api.setNow('2024-03-01T10:00:00.000Z');
      const claimId = await newClaim();
      await unchanged(async () => {
        const { body } = await api.as('reader').get(`/claims/${claimId}/tasks`).expect(200);
        expect(body).toMatchObject({ claimId, checklistTemplate: 'execution', seeded: false, version: 0 });
        expect(body.tasks.map((task: { taskId: string }) => task.taskId)).toEqual([
          'find-the-original-source',
          'geolocate',
          'check-the-date',
          'identify-the-victims',
          'archive-the-evidence',
          'contact-a-second-source',
        ]);
        expect(body.tasks.every((task: { done: boolean; doneBy: unknown }) => !task.done && task.doneBy === null)).toBe(true);
      });

      api.tick();
      const ticked = await api.as('analyst').put(`/claims/${claimId}/tasks/geolocate`).send({ done: true }).expect(200);
      expect(ticked.body).toMatchObject({ seeded: true, version: 2 });
      expect(ticked.body.tasks.find((task: { taskId: string }) => task.taskId === 'geolocate')).toEqual({
        taskId: 'geolocate',
        name: 'geolocate',
        done: true,
        doneBy: { keyId: api.keys.analyst.id, name: 'Jules (analyst)' },
        doneAt: '2024-03-01T10:01:00.000Z',
      });
      await unchanged(() => api.as('analyst').put(`/claims/${claimId}/tasks/geolocate`).send({ done: true }).expect(200));
      const unticked = await api.as('analyst').put(`/claims/${claimId}/tasks/geolocate`).send({ done: false }).expect(200);
      expect(unticked.body.tasks.find((task: { taskId: string }) => task.taskId === 'geolocate')).toMatchObject({ done: false, doneBy: null, doneAt: null });

      const added = await api.as('analyst').post(`/claims/${claimId}/tasks`).send({ name: 'Ask the stringer in Ménaka' }).expect(201);
      expect(added.headers.location).toBe(`/claims/${claimId}/tasks/ask-the-stringer-in-menaka`);
      expect(added.body.tasks.at(-1)).toMatchObject({ taskId: 'ask-the-stringer-in-menaka', name: 'Ask the stringer in Ménaka', done: false });
      // By name as well as by id: the server takes the slug of either.
      await api.as('analyst').put(`/claims/${claimId}/tasks/${encodeURIComponent('Ask the stringer in Ménaka')}`).send({ done: true }).expect(200);

      await unchanged(async () => {
        const duplicate = await api.as('analyst').post(`/claims/${claimId}/tasks`).send({ name: 'Geolocate' }).expect(409);
        expect(duplicate.body).toMatchObject({ code: 'TASK_ALREADY_EXISTS', field: 'name' });
        const missing = await api.as('analyst').put(`/claims/${claimId}/tasks/fly-a-drone`).send({ done: true }).expect(404);
        expect(missing.body).toMatchObject({ code: 'TASK_NOT_FOUND', field: 'taskId' });
        const noSlug = await api.as('analyst').put(`/claims/${claimId}/tasks/${encodeURIComponent('!!!')}`).send({ done: true }).expect(404);
        expect(noSlug.body).toMatchObject({ code: 'TASK_NOT_FOUND', field: 'taskId' });
        const empty = await api.as('analyst').post(`/claims/${claimId}/tasks`).send({ name: '  ' }).expect(400);
        expect(empty.body.errors.map((error: { field: string }) => error.field)).toContain('name');
        const badBody = await api.as('analyst').put(`/claims/${claimId}/tasks/geolocate`).send({ done: 'yes' }).expect(400);
        expect(badBody.body.errors.map((error: { field: string }) => error.field)).toContain('done');
      });
      const { body: history } = await api.http().get(`/claims/${claimId}/work/history`).expect(200);
      expect(history.items.map((item: { type: string }) => item.type)).toEqual(['ChecklistSeeded', 'TaskTicked', 'TaskUnticked', 'TaskAdded', 'TaskTicked']);
    });
  });

  describe('comments', () => {
    it('posts markdown as text, on the claim or one of its reports, and lists them oldest first with pagination', async () => {
      api.setNow('2024-03-01T10:00:00.000Z');
      const claimId = await newClaim();
      const reportId = (await api.http().get(`/claims/${claimId}`).expect(200)).body.reports[0].reportId as string;
      const bodies = ['**Geolocated**: the market square <script>alert(1)</script>', 'Date checked against the shadows', 'Third note'];
      const posted = [];
      for (const [index, body] of bodies.entries()) {
        api.tick();
        const response = await api.as('analyst').post(`/claims/${claimId}/comments`).send(index === 1 ? { body, reportId } : { body }).expect(201);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        posted.push(response.body);
      }
      expect(posted[0]).toMatchObject({ body: bodies[0], reportId: null, author: { keyId: api.keys.analyst.id, name: 'Jules (analyst)' }, postedAt: '2024-03-01T10:01:00.000Z' });
      expect(posted[1].reportId).toBe(reportId);

      const first = await api.as('reader').get(`/claims/${claimId}/comments?limit=2`).expect(200);
      expect(first.body.items.map((comment: { body: string }) => comment.body)).toEqual(bodies.slice(0, 2));
      const second = await api.as('reader').get(`/claims/${claimId}/comments?limit=2&cursor=${first.body.nextCursor}`).expect(200);
      expect(second.body).toEqual({ items: [expect.objectContaining({ body: bodies[2], commentId: posted[2].commentId })], nextCursor: null });
      expect((await api.http().get(`/claims/${claimId}/work`).expect(200)).body.commentCount).toBe(3);
      const badCursor = await api.http().get(`/claims/${claimId}/comments?cursor=nope`).expect(400);
      expect(badCursor.body.field).toBe('query.cursor');
    });

    it('bounds the body at 4,000 characters and checks the report belongs to the claim', async () => {
      const claimId = await newClaim();
      const other = await newClaim();
      const otherReport = (await api.http().get(`/claims/${other}`).expect(200)).body.reports[0].reportId as string;
      await api.as('analyst').post(`/claims/${claimId}/comments`).send({ body: 'x'.repeat(4000) }).expect(201);
      await unchanged(async () => {
        for (const body of ['x'.repeat(4001), '', '   ']) {
          const { body: problem } = await api.as('analyst').post(`/claims/${claimId}/comments`).send({ body }).expect(400);
          expect(problem.errors.map((error: { field: string }) => error.field)).toContain('body');
        }
        const wrongReport = await api.as('analyst').post(`/claims/${claimId}/comments`).send({ body: 'x', reportId: otherReport }).expect(422);
        expect(wrongReport.body).toMatchObject({ code: 'REPORT_NOT_ON_CLAIM', field: 'reportId' });
        await api.as('reader').post(`/claims/${claimId}/comments`).send({ body: 'readers do not comment' }).expect(403);
      });
    });

    it('a retried post with the same Idempotency-Key writes one comment', async () => {
      const claimId = await newClaim();
      const send = () => api.as('analyst').post(`/claims/${claimId}/comments`).set('Idempotency-Key', 'comment-retry-1').send({ body: 'once' }).expect(201);
      const [a, b] = [await send(), await send()];
      expect(b.body.commentId).toBe(a.body.commentId);
      expect((await api.http().get(`/claims/${claimId}/comments`).expect(200)).body.items).toHaveLength(1);
    });
  });

  it('work events are in the claim export, attributed, and keep the claim assessment history untouched', async () => {
    const claimId = await newClaim();
    await api.http().post(`/claims/${claimId}/reports`).send({ stance: 'supports', report: report(await registerSource(api, { name: 'Ménaka Radio', reliability: 'C' })) }).expect(201);
    const historyBefore = (await api.as('auditor').get(`/claims/${claimId}/history`).expect(200)).body;
    await api.as('analyst').put(`/claims/${claimId}/assignment`).send({ assignee: api.keys.analyst.id }).expect(200);
    await api.as('analyst').put(`/claims/${claimId}/tasks/geolocate`).send({ done: true }).expect(200);
    await api.as('analyst').post(`/claims/${claimId}/comments`).send({ body: 'Found the uploader' }).expect(201);

    const exported = await api.as('auditor').get(`/audit/export?claim=${claimId}`).buffer(true).parse((response, done) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => done(null, text));
    });
    expect(exported.status).toBe(200);
    const lines = (exported.body as string).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    const work = lines.filter((line) => line.streamId === `work-${claimId}`);
    expect(work.map((line) => line.type)).toEqual([
      'ClaimAssigned',
      'ChecklistSeeded',
      'TaskTicked',
      'CommentPosted',
    ]);
    expect(JSON.stringify(work)).toContain(api.keys.analyst.id);
    expect((await api.as('auditor').get(`/claims/${claimId}/history`).expect(200)).body).toEqual(historyBefore);
  });

  it('projections rebuild reproduces the work rows exactly', async () => {
    const report = await rebuildProjections(api.db.pool, { projections: ['work_view'] });
    const drift = report.drift.filter((table) => table.table === 'work_view' || table.table === 'work_comments');
    expect(drift.map((table) => [table.table, table.differing])).toEqual([
      ['work_view', 0],
      ['work_comments', 0],
    ]);
    expect(drift[0].liveRows).toBeGreaterThan(5);
    expect(drift[1].liveRows).toBeGreaterThan(3);
  });

  it('a rebuild catches up work written after its cut (interrupted, then resumed)', async () => {
    const claimId = await newClaim();
    await api.as('analyst').put(`/claims/${claimId}/tasks/geolocate`).send({ done: true }).expect(200);
    const projections = ['claim_view', 'work_view'] as const;
    await expect(rebuildProjections(api.db.pool, { projections, batchSize: 1, stopAfterBatches: 1 })).rejects.toBeInstanceOf(RebuildInterrupted);
    // After the interrupted run's cut: a new stream, and new events on a stream the cut already holds.
    const later = await newClaim();
    await api.as('analyst').post(`/claims/${later}/comments`).send({ body: 'after the cut' }).expect(201);
    await api.as('analyst').put(`/claims/${claimId}/tasks/geolocate`).send({ done: false }).expect(200);
    await api.as('analyst').post(`/claims/${claimId}/comments`).send({ body: 'also after the cut' }).expect(201);
    const report = await rebuildProjections(api.db.pool, { projections, batchSize: 1 });
    expect(report.resumed).toBe(true);
    expect(report.drift.map((table) => [table.table, table.differing])).toEqual([
      ['claim_view', 0],
      ['claim_sources', 0],
      ['work_view', 0],
      ['work_comments', 0],
    ]);
    const { rows } = await api.db.pool.query('SELECT body FROM work_comments WHERE claim_id = ANY($1::text[]) ORDER BY body', [[claimId, later]]);
    expect(rows.map((row) => row.body)).toEqual(['after the cut', 'also after the cut']);
  });

  it('an export imported elsewhere and rebuilt gives the same work rows', async () => {
    const target = await createTestDatabase();
    try {
      await waitUntilLogReadable(api.db.pool);
      const lines: string[] = [];
      for await (const line of exportLog(api.db.pool)) lines.push(line);
      const imported = await importLog(target.pool, () => (async function* () {
        yield* lines;
      })());
      expect(imported.verification.intact).toBe(true);
      await rebuildProjections(target.pool);
      const rows = (pool: typeof target.pool, table: string) => pool.query(`SELECT t::text AS row FROM ${table} t ORDER BY 1`).then((result) => result.rows.map((row) => row.row as string));
      for (const table of ['work_view', 'work_comments']) {
        const live = await rows(api.db.pool, table);
        expect(live.length).toBeGreaterThan(3);
        expect(await rows(target.pool, table)).toEqual(live);
      }
    } finally {
      await target.drop();
    }
  });
});
