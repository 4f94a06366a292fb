import { openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';

interface QueueItem {
  claimId: string;
  workState: string;
  assignee: { keyId: string; name: string | null } | null;
  computedStatus: string;
  lastActivityAt: string;
}

/** The desk's queue: each filter, their combination, and pagination like `/claims`. */
describe('desk queue', () => {
  let api: ApiTestApp;
  const claims: string[] = [];
  let contested: string;

  beforeAll(async () => {
    api = await startApiTestApp();
    const sahel = await registerSource(api, { name: 'Sahel Daily', reliability: 'C' });
    const menaka = await registerSource(api, { name: 'Ménaka Radio', reliability: 'C' });
    const panel = await registerSource(api, { name: 'UN Panel of Experts', reliability: 'A', kind: 'research_organisation' });
    api.setNow('2024-03-01T10:00:00.000Z');
    for (let index = 0; index < 5; index++) {
      api.tick();
      claims.push((await api.http().post('/claims').send(openClaimBody(sahel, { statement: `Claim number ${index}` })).expect(201)).body.id);
    }
    // claims[0..4], oldest first; the queue lists the newest first.
    contested = claims[1];
    await api.http().post(`/claims/${contested}/reports`).send({ stance: 'supports', report: report(menaka) }).expect(201);
    await api.http().post(`/claims/${contested}/reports`).send({ stance: 'disputes', reason: 'No executions that week', report: report(panel) }).expect(201);
    expect((await api.http().get(`/claims/${contested}`).expect(200)).body.computedStatus).toBe('contested');

    await api.as('analyst').put(`/claims/${claims[0]}/assignment`).send({ assignee: api.keys.analyst.id }).expect(200);
    await api.as('analyst').put(`/claims/${claims[0]}/work-state`).send({ state: 'in_progress' }).expect(200);
    await api.as('editor').put(`/claims/${claims[2]}/assignment`).send({ assignee: api.keys.editor.id }).expect(200);
    await api.as('analyst').put(`/claims/${claims[3]}/work-state`).send({ state: 'on_hold' }).expect(200);
    // Ten days later, one claim gets work: every other one has been idle since the first day.
    api.setNow('2024-03-11T10:00:00.000Z');
    await api.as('analyst').post(`/claims/${claims[4]}/comments`).send({ body: 'Still looking for the uploader' }).expect(201);
  });
  afterAll(() => api.close());

  const queue = async (query: string, role: 'analyst' | 'editor' | 'reader' = 'reader'): Promise<QueueItem[]> =>
    (await api.as(role).get(`/desk/queue?${query}`).expect(200)).body.items;
  const ids = (items: QueueItem[]) => items.map((item) => item.claimId);

  it('lists every claim newest first, with status, confidence and work at a glance', async () => {
    const { body } = await api.as('reader').get('/desk/queue').expect(200);
    expect(ids(body.items)).toEqual([...claims].reverse());
    expect(body.nextCursor).toBeNull();
    const first = body.items.find((item: QueueItem) => item.claimId === claims[0]);
    expect(first).toMatchObject({
      statement: 'Claim number 0',
      category: 'execution',
      status: 'unverified',
      computedStatus: 'unverified',
      workState: 'in_progress',
      assignee: { keyId: api.keys.analyst.id, name: 'Jules (analyst)' },
      workVersion: 2,
    });
    expect(typeof first.confidence).toBe('number');
    expect(typeof first.band).toBe('string');
    expect(body.items.find((item: QueueItem) => item.claimId === claims[1])).toMatchObject({ workState: 'new', assignee: null, workVersion: 0 });
  });

  it('filters by assignee, `me`, work state, unassigned, contested, status and idle days', async () => {
    expect(ids(await queue(`assignee=${api.keys.analyst.id}`))).toEqual([claims[0]]);
    expect(ids(await queue('assignee=me', 'editor'))).toEqual([claims[2]]);
    expect(ids(await queue('assignee=me', 'analyst'))).toEqual([claims[0]]);
    expect(ids(await queue('workState=in_progress'))).toEqual([claims[0]]);
    expect(ids(await queue('workState=on_hold'))).toEqual([claims[3]]);
    expect(ids(await queue('workState=new'))).toEqual([claims[4], claims[2], claims[1]]);
    expect(ids(await queue('unassigned=true'))).toEqual([claims[4], claims[3], claims[1]]);
    expect(ids(await queue('unassigned=false'))).toEqual([claims[2], claims[0]]);
    expect(ids(await queue('contested=true'))).toEqual([contested]);
    expect(ids(await queue('contested=true&unassigned=true'))).toEqual([contested]);
    expect(ids(await queue('contested=true&unassigned=false'))).toEqual([]);
    expect(ids(await queue('status=contested'))).toEqual([contested]);
    expect(ids(await queue('idleDays=5'))).toEqual([claims[3], claims[2], claims[1], claims[0]]);
    expect(ids(await queue('idleDays=11'))).toEqual([]);
    expect(ids(await queue('idleDays=5&unassigned=true'))).toEqual([claims[3], claims[1]]);
    const recent = (await queue('')).find((item) => item.claimId === claims[4])!;
    expect(recent.lastActivityAt).toBe('2024-03-11T10:00:00.000Z');
  });

  it('pages with an opaque cursor exactly like /claims', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { body: { items: QueueItem[]; nextCursor: string | null } } = await api
        .as('reader')
        .get(`/desk/queue?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      seen.push(...ids(page.body.items));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...claims].reverse());
    const claimsPage = await api.as('reader').get('/claims?limit=2').expect(200);
    const queuePage = await api.as('reader').get('/desk/queue?limit=2').expect(200);
    expect(queuePage.body.nextCursor).toBe(claimsPage.body.nextCursor);
  });

  it('refuses bad and undeclared query parameters, naming them', async () => {
    for (const [query, field] of [
      ['workState=finished', 'query.workState'],
      ['unassigned=yes', 'query.unassigned'],
      ['idleDays=0', 'query.idleDays'],
      ['assignee=someone', 'query.assignee'],
      ['limit=101', 'query.limit'],
      ['cursor=nope', 'query.cursor'],
    ]) {
      const { body } = await api.as('reader').get(`/desk/queue?${query}`).expect(400);
      expect(body.field).toBe(field);
    }
    const { body } = await api.as('reader').get('/desk/queue?sort=oldest').expect(400);
    expect(JSON.stringify(body)).toContain('sort');
  });

  it('lists the people claims can be assigned to: active analysts and editors, without secrets', async () => {
    const { body } = await api.as('reader').get('/desk/people').expect(200);
    expect(body.items).toEqual([
      { keyId: api.keys.editor.id, name: 'Amina (editor)', role: 'editor' },
      { keyId: api.keys.analyst.id, name: 'Jules (analyst)', role: 'analyst' },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/clk_|secret|hash/i);
  });

  it("tells a caller its own key and rights, for `assign to me` and the forms its role may use", async () => {
    const { body } = await api.as('analyst').get('/desk/me').expect(200);
    expect(body).toMatchObject({ keyId: api.keys.analyst.id, name: 'Jules (analyst)', role: 'analyst' });
    expect(body.permissions).toEqual(expect.arrayContaining(['work:assign', 'work:tasks', 'work:comment', 'claims:report']));
    expect(body.permissions).not.toContain('work:review');
    expect((await api.as('editor').get('/desk/me').expect(200)).body.permissions).toContain('work:review');
    expect(JSON.stringify(body)).not.toMatch(/clk_/);
  });
});
