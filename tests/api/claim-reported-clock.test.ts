import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ClaimHistoryResponse, ClaimListResponse, ClaimPointInTimeResponse, ClaimResponse, SeedDatasetSchema, type SeedDataset } from '@claims/contracts';
import { waitUntil } from '@claims/testing';
import { runSeed, type SeedResult } from '../../infra/seed/seed-loader';
import { EDITOR, openClaim, openClaimBody, registerSource, report } from './api-fixtures';
import { startApiTestApp, type ApiTestApp } from './api-test-app';

const dataset: SeedDataset = SeedDatasetSchema.parse(
  JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', 'infra', 'seed', 'sahel-2019-2023.json'), 'utf8')),
);
const EXECUTIONS = 'claim-kalamba-executions';
const ATTACK = 'claim-kalamba-attack';

/** The publication times of a seeded claim's reports, from the dataset (ISO, milliseconds). */
const publishedTimesOf = (claimKey: string): string[] =>
  dataset.steps
    .flatMap((step) =>
      (step.action === 'open-claim' && step.key === claimKey) || (step.action === 'add-report' && step.claimKey === claimKey) ? [step.report.publishedAt] : [],
    )
    .map((at) => new Date(at).toISOString());

const at = (instant: string) => encodeURIComponent(instant);

/**
 * The two clocks on the seeded Sahel dataset: its reports were published in 2019-2023 and recorded when
 * the dataset was loaded, so `asOf` (the store's clock) knows nothing of October 2023 and `asReportedOn`
 * (the reporting's own clock) does.
 */
describe('the reporting clock: asReportedOn, history?order=reported, occurred windows', () => {
  let api: ApiTestApp;
  let seeded: SeedResult;
  let executions: string;
  let attack: string;

  beforeAll(async () => {
    api = await startApiTestApp();
    // After the latest document date: reports may not be published in the future.
    api.setNow('2025-01-15T09:00:00.000Z');
    await api.app.listen(0, '127.0.0.1');
    const { port } = api.app.getHttpServer().address() as { port: number };
    seeded = await runSeed({ baseUrl: `http://127.0.0.1:${port}`, apiKey: api.keys.editor.secret, dataset });
    executions = seeded.claimIds[EXECUTIONS];
    attack = seeded.claimIds[ATTACK];
  });
  afterAll(() => api.close());

  const asReported = async (claimId: string, query: string) => {
    const response = await api.as('reader').get(`/claims/${claimId}?${query}`).expect(200);
    return ClaimPointInTimeResponse.parse(response.body);
  };

  it('before the first report: a 404 problem saying no report was published by then (while asOf knows nothing of 2023)', async () => {
    const response = await api.as('reader').get(`/claims/${executions}?asReportedOn=2023-10-19T00:00:00Z`).expect(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const first = publishedTimesOf(EXECUTIONS).sort()[0];
    expect(response.body).toMatchObject({
      type: 'urn:claim-ledger:problem:claim-not-yet-reported',
      code: 'CLAIM_NOT_YET_REPORTED',
      status: 404,
      field: 'query.asReportedOn',
      detail: `No report published by 2023-10-19T00:00:00.000Z: claim ${executions}'s first report was published ${first}`,
    });
    // The store's clock: the dataset was loaded long after, so the claim did not exist on 21 October 2023.
    const asOf = await api.as('reader').get(`/claims/${executions}?asOf=2023-10-21T00:00:00Z`).expect(404);
    expect(asOf.body).toMatchObject({ code: 'CLAIM_NOT_FOUND' });
    // A claim that does not exist stays the plain not-found.
    const unknown = await api.as('reader').get('/claims/00000000-0000-4000-8000-000000000999?asReportedOn=2023-10-19T00:00:00Z').expect(404);
    expect(unknown.body).toMatchObject({ code: 'CLAIM_NOT_FOUND' });
  });

  it('between reports: counts exactly the reports published by then', async () => {
    for (const claimKey of [EXECUTIONS, ATTACK]) {
      const claimId = seeded.claimIds[claimKey];
      const times = publishedTimesOf(claimKey);
      for (const instant of [...new Set(times)].flatMap((time) => [time, new Date(Date.parse(time) + 60 * 60_000).toISOString()])) {
        const claim = await asReported(claimId, `asReportedOn=${at(instant)}`);
        const expected = times.filter((time) => time <= instant);
        expect(claim.pointInTime).toMatchObject({ clock: 'reported', asReportedOn: instant, reportsCounted: expected.length, recomputed: true });
        expect(claim.pointInTime.asOf).toBeUndefined();
        expect(claim.reports.map((counted) => new Date(counted.publishedAt).toISOString()).sort()).toEqual(expected.sort());
      }
    }
    // 21 October 2023: Islamic State's own claim and @Africarepor_t relaying it, nothing else.
    const onThe21st = await asReported(executions, 'asReportedOn=2023-10-21T00:00:00Z');
    expect(onThe21st.pointInTime.reportsCounted).toBe(2);
    expect(onThe21st.status).toBe('unverified');
  });

  it('after the last event on the reporting clock: the live claim', async () => {
    const afterEverything = new Date(Date.now() + 60_000).toISOString();
    for (const claimId of [executions, attack]) {
      const live = ClaimResponse.parse((await api.as('reader').get(`/claims/${claimId}`).expect(200)).body);
      const { pointInTime, ...recomputed } = (await api.as('reader').get(`/claims/${claimId}?asReportedOn=${at(afterEverything)}`).expect(200)).body as ClaimPointInTimeResponse;
      expect(pointInTime).toMatchObject({ clock: 'reported', reportsCounted: live.reports.length, modelVersion: live.modelVersion });
      expect(recomputed).toEqual(live);
    }
  });

  it('counts a retraction, which carries no publication time, from when it was recorded', async () => {
    // al-Naba's report of 3 November was logged on the executions claim in error and retracted when the
    // dataset was loaded: after the last publication (8 November 2023) but before that load, it still counts.
    const lastPublished = publishedTimesOf(EXECUTIONS).sort().at(-1)!;
    const afterLastReport = await asReported(executions, `asReportedOn=${at(new Date(Date.parse(lastPublished) + 60_000).toISOString())}`);
    const alNaba = afterLastReport.reports.find((counted) => counted.publishedAt.startsWith('2023-11-03'));
    expect(alNaba?.retraction).toBeUndefined();
    const history = ClaimHistoryResponse.parse((await api.as('auditor').get(`/claims/${executions}/history?order=reported`).expect(200)).body);
    const retraction = history.entries.find((entry) => entry.eventType === 'ClaimReportRetracted')!;
    expect(retraction).toMatchObject({ publishedAt: null, reportedAt: retraction.recordedAt });
    const afterRetraction = await asReported(executions, `asReportedOn=${at(retraction.recordedAt)}`);
    expect(afterRetraction.reports.find((counted) => counted.reportId === alNaba?.reportId)?.retraction).toMatchObject({ reason: expect.stringMatching(/\S/), recordedAt: expect.any(String) });
  });

  it('composes with asOf: the reports published by one instant, as the log knew them at another', async () => {
    const before = new Date().toISOString();
    await waitUntil(() => Date.now() > Date.parse(before));
    const monitor = await registerSource(api, { name: 'Sahel field monitor', kind: 'ngo', reliability: 'B' });
    await api
      .http()
      .post(`/claims/${executions}/reports`)
      .set(EDITOR)
      .send({ stance: 'supports', report: report(monitor, { publishedAt: '2023-10-22T09:00:00Z' }) })
      .expect(201);

    const now = await asReported(executions, 'asReportedOn=2023-10-23T00:00:00Z');
    const then = await asReported(executions, `asReportedOn=2023-10-23T00:00:00Z&asOf=${at(before)}`);
    expect(now.pointInTime.reportsCounted).toBe(3);
    expect(then.pointInTime).toMatchObject({ clock: 'reported', asReportedOn: '2023-10-23T00:00:00.000Z', asOf: before, reportsCounted: 2 });
    expect(now.confidence).toBeGreaterThan(then.confidence);
    // With every report counted, asReportedOn adds nothing to asOf.
    const { pointInTime: _reported, ...allReported } = await asReported(executions, `asReportedOn=9999-12-31T23:59:59Z&asOf=${at(before)}`);
    const { pointInTime: _recorded, ...asOf } = await asReported(executions, `asOf=${at(before)}`);
    expect(allReported).toEqual(asOf);
    expect(_recorded.clock).toBe('recorded');
    // Before anything was recorded, there is no claim to report on.
    const empty = await api.as('reader').get(`/claims/${executions}?asReportedOn=9999-12-31T23:59:59Z&asOf=2020-01-01T00:00:00Z`).expect(404);
    expect(empty.body).toMatchObject({ code: 'CLAIM_NOT_FOUND', field: 'query.asOf' });
  });

  it('refuses an instant outside the project\'s dates, without an offset, or with atVersion', async () => {
    for (const [query, field] of [
      ['asReportedOn=1899-12-31T00:00:00Z', 'query.asReportedOn'],
      ['asReportedOn=2023-10-21', 'query.asReportedOn'],
      ['asReportedOn=2023-10-21T00:00:00', 'query.asReportedOn'],
      ['asReportedOn=2023-10-21T00:00:00Z&atVersion=1', 'query.asReportedOn'],
    ]) {
      const response = await api.as('reader').get(`/claims/${executions}?${query}`).expect(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    }
  });

  it('history?order=reported: the same entries by reporting time, both times on each, assessed as asReportedOn each time', async () => {
    const log = ClaimHistoryResponse.parse((await api.as('auditor').get(`/claims/${executions}/history`).expect(200)).body);
    const reported = ClaimHistoryResponse.parse((await api.as('auditor').get(`/claims/${executions}/history?order=reported`).expect(200)).body);
    expect(log.order).toBe('log');
    expect(reported.order).toBe('reported');
    expect(reported.entries.map((entry) => entry.eventId).sort()).toEqual(log.entries.map((entry) => entry.eventId).sort());
    const times = reported.entries.map((entry) => entry.reportedAt);
    expect(times).toEqual([...times].sort());
    // Recording order and reporting order differ on this claim (the field monitor's report of 22 October came last).
    expect(reported.entries.map((entry) => entry.eventId)).not.toEqual(log.entries.map((entry) => entry.eventId));
    for (const entry of reported.entries) {
      expect(Date.parse(entry.recordedAt)).not.toBeNaN();
      if (['ClaimAsserted', 'ClaimCorroborated', 'ClaimDisputed'].includes(entry.eventType)) {
        expect(entry.publishedAt).toBe(new Date((entry.data.report as { publishedAt: string }).publishedAt).toISOString());
        expect(entry.reportedAt).toBe(entry.publishedAt);
      } else {
        expect(entry.publishedAt).toBeNull();
      }
    }
    for (const [index, entry] of reported.entries.entries()) {
      if (entry.kind !== 'claim_event' || reported.entries[index + 1]?.reportedAt === entry.reportedAt) continue;
      const claim = await asReported(executions, `asReportedOn=${at(entry.reportedAt)}`);
      expect({ status: claim.status, confidence: claim.confidence, band: claim.band }).toEqual({
        status: entry.assessment.status,
        confidence: entry.assessment.confidence,
        band: entry.assessment.band,
      });
    }
    const bad = await api.as('auditor').get(`/claims/${executions}/history?order=sideways`).expect(400);
    expect(bad.body).toMatchObject({ field: 'query.order' });
  });

  it('shows the claimed event\'s time, precision and window in the list, the claim and its history', async () => {
    const window = { start: '2023-10-20', precision: 'week', from: '2023-10-16', to: '2023-10-22' };
    const listed = ClaimListResponse.parse((await api.as('reader').get('/claims?q=Kalamba&category=attack').expect(200)).body);
    expect(listed.items.find((item) => item.id === attack)?.occurred).toEqual(window);
    expect((await api.as('reader').get(`/claims/${attack}`).expect(200)).body.occurred).toEqual(window);
    expect((await api.as('reader').get(`/claims/${attack}?asReportedOn=2023-10-21T00:00:00Z`).expect(200)).body.occurred).toEqual(window);
    expect((await api.as('auditor').get(`/claims/${attack}/history`).expect(200)).body.occurred).toEqual(window);
  });

  describe('GET /claims?occurredFrom=&occurredTo=: overlap with the window the precision spans', () => {
    const COUNTRY = 'Occurrence Test Land';
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      const wire = await registerSource(api, { name: 'Occurrence Wire', reliability: 'C' });
      const claims: Array<[string, Record<string, unknown>]> = [
        ['month', { start: '2023-10-01', precision: 'month' }],
        ['year', { start: '2022-01-01', precision: 'year' }],
        ['week', { start: '2023-11-01', precision: 'week' }],
        ['day', { start: '2023-10-19', precision: 'day' }],
        ['range', { start: '2023-10-25', end: '2023-10-27', precision: 'day' }],
      ];
      for (const [name, occurred] of claims) {
        api.tick();
        const body = openClaimBody(wire, {
          statement: `A ${name}-precision event`,
          location: { placeName: 'Testville', country: COUNTRY, precision: 'locality' },
          occurred,
          report: report(wire, { publishedAt: '2024-01-01T00:00:00Z' }),
        });
        ids[name] = (await openClaim(api, body)).id;
      }
    });

    const list = async (query: string): Promise<string[]> => {
      const response = await api.as('reader').get(`/claims?country=${encodeURIComponent(COUNTRY)}&${query}`).expect(200);
      const names = Object.fromEntries(Object.entries(ids).map(([name, id]) => [id, name]));
      return ClaimListResponse.parse(response.body).items.map((item) => names[item.id]);
    };

    it.each([
      // Most recently asserted first: range, day, week, year, month.
      ['occurredFrom=2023-10-20&occurredTo=2023-10-20', ['month']],
      ['from=2023-10-20&to=2023-10-20', ['month']],
      ['occurredFrom=2023-10-19&occurredTo=2023-10-19', ['day', 'month']],
      ['occurredFrom=2022-12-31&occurredTo=2022-12-31', ['year']],
      ['occurredTo=2022-06-01', ['year']],
      ['occurredFrom=2023-10-30&occurredTo=2023-10-30', ['week', 'month']],
      ['occurredFrom=2023-11-01&occurredTo=2023-11-01', ['week']],
      ['occurredFrom=2023-11-05&occurredTo=2023-11-05', ['week']],
      ['occurredFrom=2023-11-06', []],
      ['occurredFrom=2023-10-26', ['range', 'week', 'month']],
      ['occurredFrom=2023-10-28&occurredTo=2023-10-29', ['month']],
    ])('%s', async (query, expected) => {
      expect(await list(query)).toEqual(expected);
    });

    it('answers each window in the list', async () => {
      const response = ClaimListResponse.parse((await api.as('reader').get(`/claims?country=${encodeURIComponent(COUNTRY)}`).expect(200)).body);
      const windows = Object.fromEntries(response.items.map((item) => [item.id, [item.occurred.from, item.occurred.to]]));
      expect(windows).toEqual({
        [ids.month]: ['2023-10-01', '2023-10-31'],
        [ids.year]: ['2022-01-01', '2022-12-31'],
        [ids.week]: ['2023-10-30', '2023-11-05'],
        [ids.day]: ['2023-10-19', '2023-10-19'],
        [ids.range]: ['2023-10-25', '2023-10-27'],
      });
    });

    it('pages with a cursor under the filter', async () => {
      const query = `country=${encodeURIComponent(COUNTRY)}&occurredFrom=2023-10-01&occurredTo=2023-10-31&limit=2`;
      const first = ClaimListResponse.parse((await api.as('reader').get(`/claims?${query}`).expect(200)).body);
      expect(first.items.map((item) => item.id)).toEqual([ids.range, ids.day]);
      const second = ClaimListResponse.parse((await api.as('reader').get(`/claims?${query}&cursor=${first.nextCursor}`).expect(200)).body);
      expect(second.items.map((item) => item.id)).toEqual([ids.week, ids.month]);
      expect(second.nextCursor).toBeNull();
    });

    it.each([['occurredFrom=2023-02-30'], ['occurredTo=1899-12-31'], ['occurredFrom=20231020']])('refuses %s, naming the field', async (query) => {
      const response = await api.as('reader').get(`/claims?${query}`).expect(400);
      expect(response.body.field).toBe(`query.${query.split('=')[0]}`);
    });
  });
});
