import { EDITOR, openClaim, openClaimBody, registerSource, report } from './api-fixtures';
import { startApiTestApp, type ApiTestApp } from './api-test-app';

describe('listing claims', () => {
  let api: ApiTestApp;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApiTestApp();
    const wire = await registerSource(api, { name: 'Sahel Wire', reliability: 'C' });
    const radio = await registerSource(api, { name: 'Ménaka Radio', reliability: 'C' });
    ids.execution = (await openClaim(api, openClaimBody(wire))).id;
    api.tick();
    ids.clash = (
      await openClaim(
        api,
        openClaimBody(wire, {
          statement: 'JNIM and ISGS fighters clashed for two days around Tessit',
          category: 'clash',
          actors: [{ name: 'JNIM', role: 'perpetrator' }, { name: 'Islamic State Sahel Province', role: 'target' }],
          location: { placeName: 'Tessit', country: 'Mali', precision: 'locality' },
          occurred: { start: '2024-01-05', end: '2024-01-06', precision: 'day' },
        }),
      )
    ).id;
    api.tick();
    ids.burkina = (
      await openClaim(
        api,
        openClaimBody(radio, {
          statement: 'Army drone strike killed a JNIM commander near Djibo',
          category: 'attack',
          actors: [{ name: 'Burkina Faso armed forces', role: 'perpetrator' }, { name: 'JNIM', role: 'target' }],
          location: { placeName: 'Djibo', country: 'Burkina Faso', precision: 'locality' },
          occurred: { start: '2023-12-10', precision: 'day' },
        }),
      )
    ).id;
    await api.http().post(`/claims/${ids.execution}/reports`).set(EDITOR).send({ stance: 'supports', report: report(radio) }).expect(201);
  });
  afterAll(() => api.close());

  const list = async (query: string): Promise<string[]> => {
    const response = await api.http().get(`/claims?${query}`).expect(200);
    return response.body.items.map((item: { id: string }) => item.id);
  };

  it('lists the most recently asserted first, with each claim summarised', async () => {
    const response = await api.http().get('/claims').expect(200);
    expect(response.body.items.map((item: { id: string }) => item.id)).toEqual([ids.burkina, ids.clash, ids.execution]);
    expect(response.body.items[2]).toMatchObject({ status: 'corroborated', category: 'execution', country: 'Mali', version: 2 });
    expect(response.body.nextCursor).toBeNull();
  });

  it.each([
    ['status=corroborated', ['execution']],
    ['status=unverified', ['burkina', 'clash']],
    ['category=clash', ['clash']],
    ['country=mali', ['clash', 'execution']],
    ['actor=islamic%20state', ['execution']],
    ['actor=jnim', ['burkina', 'clash', 'execution']],
    ['from=2024-01-06&to=2024-01-31', ['clash']],
    ['to=2023-12-31', ['burkina']],
    ['q=executions', ['execution']],
    ['q=drone%20commander', ['burkina']],
    ['country=Mali&category=execution&q=informants', ['execution']],
  ])('filters by %s', async (query, expected) => {
    expect(await list(query)).toEqual(expected.map((name) => ids[name]));
  });

  it('pages with a cursor until the last page', async () => {
    const first = await api.http().get('/claims?limit=2').expect(200);
    expect(first.body.items.map((item: { id: string }) => item.id)).toEqual([ids.burkina, ids.clash]);
    const second = await api.http().get(`/claims?limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body.items.map((item: { id: string }) => item.id)).toEqual([ids.execution]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('documents the routes in /openapi.json from the same schemas', async () => {
    const { body } = await api.http().get('/openapi.json').expect(200);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/claims',
        '/claims/{claimId}',
        '/claims/{claimId}/reports',
        '/claims/{claimId}/reports/{reportId}/retraction',
        '/claims/{claimId}/verdict',
        '/sources',
        '/sources/{sourceId}',
        '/sources/{sourceId}/reliability',
      ]),
    );
    expect(body.paths['/claims'].post.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['statement', 'category', 'report']),
    );
    expect(body.paths['/claims/{claimId}/reports'].post.responses['412']).toMatchObject({
      description: expect.stringContaining('STALE_VERSION'),
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
    });
  });
});
