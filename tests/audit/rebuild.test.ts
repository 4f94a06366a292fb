import fc from 'fast-check';
import { Pool } from 'pg';
import { rebuildProjections, RebuildInterrupted, type RebuildReport } from '@claims/projections';
import { openClaim, openClaimBody, registerSource, report } from '../api/api-fixtures';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';

/**
 * A rebuild replays the log into shadow tables and swaps them in: it must reproduce the live rows exactly
 * (for any command sequence), keep readers working throughout, catch up writes made meanwhile, and resume
 * after an interruption.
 */
const noDrift = (report: RebuildReport) => report.drift.filter((table) => table.differing > 0 || table.liveRows !== table.rebuiltRows);

type Op =
  | { kind: 'report'; claim: number; source: number; stance: 'supports' | 'disputes' }
  | { kind: 'retract'; claim: number; pick: number }
  | { kind: 'regrade'; source: number; grade: string }
  | { kind: 'affiliate'; source: number }
  | { kind: 'verdict'; claim: number; verdict: string }
  | { kind: 'withdraw'; claim: number }
  | { kind: 'amend'; claim: number };

const claimIndex = fc.nat({ max: 1 });
const sourceIndex = fc.nat({ max: 3 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('report' as const), claim: claimIndex, source: sourceIndex, stance: fc.constantFrom('supports' as const, 'disputes' as const) }),
  fc.record({ kind: fc.constant('retract' as const), claim: claimIndex, pick: fc.nat({ max: 5 }) }),
  fc.record({ kind: fc.constant('regrade' as const), source: sourceIndex, grade: fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F') }),
  fc.record({ kind: fc.constant('affiliate' as const), source: sourceIndex }),
  fc.record({ kind: fc.constant('verdict' as const), claim: claimIndex, verdict: fc.constantFrom('confirmed', 'false', 'misleading') }),
  fc.record({ kind: fc.constant('withdraw' as const), claim: claimIndex }),
  fc.record({ kind: fc.constant('amend' as const), claim: claimIndex }),
);

describe('projection rebuild', () => {
  let api: ApiTestApp;

  beforeAll(async () => {
    api = await startApiTestApp({ poolSize: 12 });
  });
  afterAll(() => api.close());

  // Rebuilds run as the schema owner (they create and rename tables), like the CLI.
  const rebuild = (options: Parameters<typeof rebuildProjections>[1] = {}) => rebuildProjections(api.db.pool, { batchSize: 50, ...options });

  const seed = async (claims = 2) => {
    const sources = await Promise.all(['A', 'B', 'C', 'D'].map((grade, index) => registerSource(api, { name: `Outlet ${index}`, reliability: grade })));
    const opened = [];
    for (let index = 0; index < claims; index++) opened.push(await openClaim(api, openClaimBody(sources[index % sources.length])));
    return { sources, claims: opened.map((claim) => claim.id) };
  };

  it('property: for random command sequences, the live projection equals a full rebuild, and the claim at version n equals a replay of its first n events', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: 12 }), async (ops) => {
        const { sources, claims } = await seed();
        // The live row right after each claim version was written: the command's response.
        const answered = new Map<string, Map<number, unknown>>(claims.map((id) => [id, new Map()]));
        for (const id of claims) {
          const body = (await api.http().get(`/claims/${id}`).expect(200)).body;
          answered.get(id)?.set(body.version, body);
        }
        const record = (id: string, body: { version: number } | undefined) => {
          const versions = answered.get(id);
          if (body && versions && Math.max(...versions.keys()) < body.version) versions.set(body.version, body);
        };
        for (const step of ops) {
          api.tick(7);
          if (step.kind === 'regrade') {
            await api.http().put(`/sources/${sources[step.source]}/reliability`).send({ reliability: step.grade, reason: 'Re-assessed' });
            continue;
          }
          if (step.kind === 'affiliate') {
            await api.http().patch(`/sources/${sources[step.source]}`).send({ affiliation: 'Islamic State' });
            continue;
          }
          const id = claims[step.claim];
          if (step.kind === 'report') {
            const body = step.stance === 'supports' ? { stance: 'supports', report: report(sources[step.source]) } : { stance: 'disputes', reason: 'Denied', report: report(sources[step.source]) };
            const response = await api.http().post(`/claims/${id}/reports`).send(body);
            if (response.status === 201) record(id, response.body.claim);
          } else if (step.kind === 'retract') {
            const current = (await api.http().get(`/claims/${id}`).expect(200)).body as { reports: Array<{ reportId: string }> };
            const target = current.reports[step.pick % current.reports.length];
            const response = await api.http().post(`/claims/${id}/reports/${target.reportId}/retraction`).send({ reason: 'Withdrawn by the outlet' });
            if (response.status === 200) record(id, response.body);
          } else if (step.kind === 'verdict') {
            const response = await api.http().put(`/claims/${id}/verdict`).send({ verdict: step.verdict, rationale: 'Editorial review' });
            if (response.status === 200) record(id, response.body);
          } else if (step.kind === 'withdraw') {
            const response = await api.http().post(`/claims/${id}/verdict/withdrawal`).send({ reason: 'New information' });
            if (response.status === 200) record(id, response.body);
          } else {
            const response = await api.http().put(`/claims/${id}/statement`).send({ statement: `Amended at ${Date.now()}`, reason: 'Clarified' });
            if (response.status === 200) record(id, response.body);
          }
        }

        const result = await rebuild();
        expect(noDrift(result)).toEqual([]);
        for (const [id, versions] of answered) {
          for (const [version, body] of versions) {
            const then = await api.http().get(`/claims/${id}?atVersion=${version}`).expect(200);
            const { pointInTime: _pointInTime, ...claim } = then.body;
            expect(claim).toEqual(body);
          }
        }
      }),
      { numRuns: 12 },
    );
  });

  it('readers on another connection keep reading during the rebuild and see the old or the new row, never an error or a mix', async () => {
    const { claims } = await seed(40);
    const [watched] = claims;
    const fresh = (await api.http().get(`/claims/${watched}`).expect(200)).body as { statement: string; confidence: number };
    // Make the live row stale (as a bug in an old projection would): the rebuild must put it right.
    await api.db.pool.query(`UPDATE claim_view SET statement = 'stale', confidence = 0.001 WHERE claim_id = $1`, [watched]);

    const reader = new Pool({ connectionString: api.db.url, max: 1, options: '-c role=claim_ledger_app' });
    const seen: string[] = [];
    const errors: unknown[] = [];
    let reading = true;
    const readLoop = (async () => {
      while (reading) {
        try {
          const { rows } = await reader.query('SELECT statement, confidence FROM claim_view WHERE claim_id = $1', [watched]);
          seen.push(rows.length === 1 ? `${rows[0].statement}|${rows[0].confidence}` : `rows:${rows.length}`);
        } catch (error) {
          errors.push(error);
        }
      }
    })();
    try {
      while (seen.length < 5) await new Promise((resolve) => setImmediate(resolve));
      const result = await rebuild({ batchSize: 5 });
      const settled = seen.length;
      while (seen.length < settled + 5) await new Promise((resolve) => setImmediate(resolve));
      expect(result.drift.find((table) => table.table === 'claim_view')).toMatchObject({ differing: 1, samples: [{ key: watched, columns: expect.arrayContaining(['confidence', 'statement']) }] });
    } finally {
      reading = false;
      await readLoop;
      await reader.end();
    }
    expect(errors).toEqual([]);
    const before = 'stale|0.001';
    const after = `${fresh.statement}|${fresh.confidence}`;
    expect(new Set(seen)).toEqual(new Set([before, after]));
    // Once the new table is in, nobody sees the old one again.
    expect(seen.slice(seen.indexOf(after))).not.toContain(before);
    expect((await api.http().get(`/claims/${watched}`).expect(200)).body).toMatchObject({ statement: fresh.statement, confidence: fresh.confidence });
  });

  it('catches up writes made during the rebuild, and resumes after an interruption', async () => {
    const { claims } = await seed(30);
    const [late1, late2] = await Promise.all(['Late wire', 'Late radio'].map((name) => registerSource(api, { name, reliability: 'C' })));
    await expect(rebuild({ batchSize: 10, stopAfterBatches: 2 })).rejects.toBeInstanceOf(RebuildInterrupted);
    // Writes after the interrupted run's cut: new reports, a re-grade, a new claim.
    for (const id of claims.slice(0, 5)) await api.http().post(`/claims/${id}/reports`).send({ stance: 'supports', report: report(late1) }).expect(201);
    await api.http().put(`/sources/${late1}/reliability`).send({ reliability: 'A', reason: 'Verified' }).expect(200);
    const late = await openClaim(api, openClaimBody(late1));

    const concurrent = (async () => {
      for (const id of claims.slice(5, 10)) await api.http().post(`/claims/${id}/reports`).send({ stance: 'disputes', reason: 'Denied', report: report(late2) }).expect(201);
    })();
    const resumed = await rebuild({ batchSize: 10 });
    await concurrent;
    expect(resumed.resumed).toBe(true);
    expect(resumed.caughtUp).toBeGreaterThan(0);
    expect(noDrift(resumed)).toEqual([]);
    expect((await api.http().get(`/claims/${late.id}`).expect(200)).body.version).toBe(1);

    // Whatever raced with the swap went to the new tables: another rebuild finds nothing to change.
    expect(noDrift(await rebuild())).toEqual([]);
    const { rows } = await api.db.pool.query(`SELECT status, phase FROM projection_rebuilds`);
    expect(rows).toEqual([{ status: 'done', phase: 'swapped' }]);
  });
});
