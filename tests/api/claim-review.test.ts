import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { CLAIM_REVIEW_RATINGS, ClaimReview, type ClaimEvent, type Verdict } from '@claims/contracts';
import { runCli, waitUntil } from '@claims/testing';
import { ClaimReviewController } from '../../apps/api/src/claim-review/claim-review.controller';
import { openClaimBody, registerSource, report } from './api-fixtures';
import { startApiTestApp, type ApiTestApp } from './api-test-app';

const CONFIG = {
  CLAIM_REVIEW_ORGANIZATION_NAME: 'Sahel Fact Desk',
  CLAIM_REVIEW_ORGANIZATION_URL: 'https://factdesk.example.org/',
  PUBLIC_BASE_URL: 'https://claims.example.org/ledger',
};

const ndjson = (text: string): unknown[] => text.split('\n').filter(Boolean).map((line) => JSON.parse(line));

describe('schema.org ClaimReview', () => {
  let api: ApiTestApp;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    for (const [name, value] of Object.entries(CONFIG)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    api = await startApiTestApp();
  });
  afterAll(async () => {
    await api?.close();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const claimWithVerdict = async (verdict: Verdict, rationale = 'Geolocated video shows another town'): Promise<string> => {
    const sourceId = await registerSource(api, { name: `Outlet ${Math.random().toString(36).slice(2, 8)}`, reliability: 'C' });
    const { body } = await api.http().post('/claims').send(openClaimBody(sourceId)).expect(201);
    await api.http().put(`/claims/${body.id}/verdict`).send({ verdict, rationale }).expect(200);
    return body.id as string;
  };

  it('maps a claim with a verdict to ClaimReview JSON-LD, every field from its events', async () => {
    api.setNow('2024-03-01T10:00:00.000Z');
    const outlet = await registerSource(api, { name: 'Kidal Info', reliability: 'C', kind: 'news_outlet' });
    const stringer = await registerSource(api, { name: 'Ménaka stringer', reliability: 'B', kind: 'local_contact' });
    const ministry = await registerSource(api, { name: 'Ministry of Defence', reliability: 'C', kind: 'government_or_military' });
    const retracting = await registerSource(api, { name: 'Sahel Wire', reliability: 'C', kind: 'wire_agency' });
    const denier = await registerSource(api, { name: 'Governor of Ménaka', reliability: 'C', kind: 'government_or_military' });
    const opened = await api
      .http()
      .post('/claims')
      .send(openClaimBody(outlet, { actors: [{ name: 'ISGS', role: 'perpetrator' }, { name: 'Amaq', role: 'claimant', affiliation: 'Islamic State' }] }))
      .expect(201);
    const claimId: string = opened.body.id;
    // Published before the report that put the claim on record: it is the first appearance.
    await api.http().post(`/claims/${claimId}/reports`).send({ stance: 'supports', report: report(stringer, { publishedAt: '2024-02-21T06:30:00Z', url: 'https://stringer.example.org/kalamba' }) }).expect(201);
    await api.http().post(`/claims/${claimId}/reports`).send({ stance: 'supports', report: report(ministry, { publishedAt: '2024-02-20T09:00:00Z', url: undefined }) }).expect(201);
    await api.http().post(`/claims/${claimId}/reports`).send({ stance: 'disputes', reason: 'denies it', report: report(denier, { publishedAt: '2024-02-19T09:00:00Z', url: 'https://gov.example.org/denial' }) }).expect(201);
    const retracted = await api.http().post(`/claims/${claimId}/reports`).send({ stance: 'supports', report: report(retracting, { publishedAt: '2024-02-18T09:00:00Z', url: 'https://wire.example.org/k' }) }).expect(201);
    await api.http().post(`/claims/${claimId}/reports/${retracted.body.reportId}/retraction`).send({ reason: 'The wire withdrew the story' }).expect(200);
    await api.http().put(`/claims/${claimId}/statement`).send({ statement: 'ISGS fighters executed two alleged JNIM informants near Kalamba', reason: 'One survived' }).expect(200);
    api.setNow('2024-03-04T15:20:00.000Z');
    await api.http().put(`/claims/${claimId}/verdict`).send({ verdict: 'false', rationale: 'The video was filmed in 2019 in another town' }).expect(200);

    const response = await api.as('reader').get(`/claims/${claimId}/claim-review`).expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/ld\+json/);
    const review = ClaimReview.parse(JSON.parse(response.text));

    // The expectation comes from the claim's events, not from the mapper.
    const events = await api.store.readStream(`claim-${claimId}`);
    const dataOf = <Type extends ClaimEvent['type']>(type: Type) =>
      events.filter((event) => event.type === type).map((event) => event.data as Extract<ClaimEvent, { type: Type }>['data']);
    const [asserted] = dataOf('ClaimAsserted');
    const [verdictIssued] = dataOf('ClaimVerdictIssued');
    const [amended] = dataOf('ClaimStatementAmended');
    const corroborations = dataOf('ClaimCorroborated');
    const retractedIds = new Set(dataOf('ClaimReportRetracted').map((data) => data.reportId));
    const appearing = [asserted.report, ...corroborations.map((data) => data.report)]
      .filter((item) => !retractedIds.has(item.reportId))
      .sort((a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt));
    const names = new Map([[outlet, { '@type': 'Organization', name: 'Kidal Info' }], [stringer, { '@type': 'Person', name: 'Ménaka stringer' }], [ministry, { '@type': 'Organization', name: 'Ministry of Defence' }]]);
    const expectedAppearances = appearing.map((item) => ({ '@type': 'CreativeWork', ...(item.url ? { url: item.url } : {}), datePublished: item.publishedAt, author: names.get(item.sourceId) }));

    const claimUrl = `https://claims.example.org/ledger/claims/${claimId}`;
    expect(review).toEqual({
      '@context': 'https://schema.org',
      '@type': 'ClaimReview',
      '@id': claimUrl,
      url: claimUrl,
      claimReviewed: amended.statement,
      datePublished: verdictIssued.recordedAt,
      author: { '@type': 'Organization', name: 'Sahel Fact Desk', url: 'https://factdesk.example.org/' },
      reviewRating: { '@type': 'Rating', ratingValue: 1, bestRating: 5, worstRating: 1, alternateName: 'False', ratingExplanation: verdictIssued.rationale },
      itemReviewed: {
        '@type': 'Claim',
        author: { '@type': 'Organization', name: 'Amaq' },
        datePublished: '2024-02-20T09:00:00Z',
        firstAppearance: expectedAppearances[0],
        appearance: expectedAppearances,
      },
    });
    expect(verdictIssued.recordedAt).toBe('2024-03-04T15:20:00.000Z');
    expect(review.itemReviewed.appearance.map((item) => item.url)).toEqual([undefined, 'https://stringer.example.org/kalamba', 'https://news.example.org/kalamba']);
    // Google's required fields for a fact check.
    for (const field of ['claimReviewed', 'reviewRating', 'url', 'author', 'datePublished'] as const) expect(review[field]).toBeTruthy();
    expect(review.reviewRating.alternateName).toBeTruthy();
  });

  it('names the asserting report\'s source as the claim\'s author when no actor is a claimant', async () => {
    const claimId = await claimWithVerdict('confirmed', 'Two independent eyewitnesses and the video');
    const { body: claim } = await api.http().get(`/claims/${claimId}`).expect(200);
    const source = await api.http().get(`/sources/${claim.reports[0].sourceId}`).expect(200);
    const review = JSON.parse((await api.http().get(`/claims/${claimId}/claim-review`).expect(200)).text) as ClaimReview;
    expect(review.itemReviewed.author).toEqual({ '@type': 'Organization', name: source.body.name });
    expect(review.reviewRating).toMatchObject({ ratingValue: CLAIM_REVIEW_RATINGS.confirmed.ratingValue, alternateName: 'Confirmed', ratingExplanation: 'Two independent eyewitnesses and the video' });
  });

  it('answers 404 problems for a claim without a verdict, with a withdrawn one, and for no claim at all', async () => {
    const sourceId = await registerSource(api, { name: 'No verdict outlet', reliability: 'C' });
    const { body } = await api.http().post('/claims').send(openClaimBody(sourceId)).expect(201);
    const none = await api.http().get(`/claims/${body.id}/claim-review`).expect(404);
    expect(none.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(none.body).toMatchObject({ status: 404, code: 'CLAIM_HAS_NO_VERDICT', field: 'path.claimId' });
    expect(none.body.detail).toContain('no editorial verdict');

    const withdrawn = await claimWithVerdict('misleading');
    await api.http().get(`/claims/${withdrawn}/claim-review`).expect(200);
    await api.http().post(`/claims/${withdrawn}/verdict/withdrawal`).send({ reason: 'New footage' }).expect(200);
    expect((await api.http().get(`/claims/${withdrawn}/claim-review`).expect(404)).body.code).toBe('CLAIM_HAS_NO_VERDICT');

    expect((await api.http().get('/claims/00000000-0000-4000-8000-000000000999/claim-review').expect(404)).body.code).toBe('CLAIM_NOT_FOUND');
    expect((await api.http().get('/claims/not-a-claim/claim-review').expect(400)).body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'path.claimId' });
  });

  it('exports one line per claim with a verdict, filtered by status, over HTTP and from the CLI', async () => {
    const falseIds = [await claimWithVerdict('false'), await claimWithVerdict('false')];
    const confirmedId = await claimWithVerdict('confirmed');
    const withdrawnId = await claimWithVerdict('false');
    await api.http().post(`/claims/${withdrawnId}/verdict/withdrawal`).send({ reason: 'Premature' }).expect(200);
    const { rows } = await api.db.pool.query<{ claim_id: string; verdict: Verdict }>('SELECT claim_id, verdict FROM claim_view WHERE verdict IS NOT NULL ORDER BY claim_id');
    const withVerdict = rows.map((row) => row.claim_id);
    const withFalse = rows.filter((row) => row.verdict === 'false').map((row) => row.claim_id);
    expect(withFalse).toEqual(expect.arrayContaining(falseIds));
    expect(withVerdict).toContain(confirmedId);
    expect(withVerdict).not.toContain(withdrawnId);

    const single = async (claimId: string) => JSON.parse((await api.http().get(`/claims/${claimId}/claim-review`).expect(200)).text);
    const onlyFalse = await api.http().get('/claim-reviews?status=false').expect(200);
    expect(onlyFalse.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const falseLines = ndjson(onlyFalse.text) as ClaimReview[];
    expect(falseLines.map((line) => line.url.split('/').at(-1))).toEqual(withFalse);
    expect(falseLines.every((line) => line.reviewRating.alternateName === 'False')).toBe(true);
    expect(falseLines[0]).toEqual(await single(withFalse[0]));

    const all = ndjson((await api.http().get('/claim-reviews').expect(200)).text) as ClaimReview[];
    expect(all.map((line) => line.url.split('/').at(-1))).toEqual(withVerdict);
    all.forEach((line) => ClaimReview.parse(line));

    const bad = await api.http().get('/claim-reviews?status=corroborated').expect(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'query.status' });

    const directory = await mkdtemp(path.join(tmpdir(), 'claim-reviews-'));
    try {
      const file = path.join(directory, 'false.ndjson');
      const outcome = await runCli(api.db.url, 'export', 'claim-reviews', '--status', 'false', '--output', file);
      expect(outcome).toMatchObject({ code: 0 });
      const exported = ndjson(await readFile(file, 'utf8'));
      // The CLI has no request to take the address from: PUBLIC_BASE_URL (set for this test) gives the same URLs.
      expect(exported).toEqual(falseLines);
      const refused = await runCli(api.db.url, 'export', 'claim-reviews', '--status', 'corroborated');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('--status must be one of');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('returns, without waiting for a drain that never comes, when the client stops reading and goes away', async () => {
    await claimWithVerdict('misleading');
    await claimWithVerdict('misleading');
    const controller = api.app.get(ClaimReviewController);
    // A client that stopped reading: nothing written ever completes, so the buffer never drains.
    const sink = new Writable({ highWaterMark: 1, write: () => undefined });
    const response = Object.assign(sink, { status: () => response, type: () => response });
    let settled = false;
    const handled = controller.claimReviews({}, { protocol: 'https', get: () => undefined } as never, response as never).finally(() => (settled = true));
    await waitUntil(() => sink.writableLength > 0, { what: 'the first line to be buffered' });
    sink.destroy();
    await waitUntil(() => settled, { what: 'the handler to return once the connection closed' });
    await handled;
  });
});
