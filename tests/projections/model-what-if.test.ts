import { ASSESSMENT_MODEL_V1, ASSESSMENT_MODEL_V2 } from '@claims/domain';
import { rebuildProjections, type WhatIfReport } from '@claims/projections';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { runCli } from '../support/cli';
import { liveHeadlines, seedModelFixture, seedSahel, type ModelFixture } from './model-fixtures';

/**
 * `projections what-if --model <name>` replays the log with a candidate model and lists every claim whose
 * status, rating or band would change, compared with the live rows, and writes nothing at all.
 */
describe('projections what-if on the seeded Sahel store', () => {
  let api: ApiTestApp;
  let fixture: ModelFixture;
  let seededClaims: number;

  /** Everything a write could touch: projection rows, the log, the outbox, rebuild state, checkpoints. */
  const snapshot = async () => {
    const tables = ['claim_view', 'claim_sources', 'source_view', 'events', 'feed_outbox', 'projection_rebuilds', 'subscription_checkpoints', 'idempotency_keys'];
    const contents: Record<string, unknown> = {};
    for (const table of tables) {
      const { rows } = await api.db.pool.query(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest, count(*) AS rows FROM ${table} t`);
      contents[table] = rows[0];
    }
    const { rows } = await api.db.pool.query(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`);
    return { contents, tables: rows.map((row: { tablename: string }) => row.tablename) };
  };

  beforeAll(async () => {
    api = await startApiTestApp();
    seededClaims = Object.keys((await seedSahel(api)).claimIds).length;
    fixture = await seedModelFixture(api);
    // Live rows as model v1 left them: the situation before switching to v2.
    await rebuildProjections(api.db.pool, { params: ASSESSMENT_MODEL_V1 });
  });
  afterAll(() => api.close());

  it('writes nothing: live tables, the log and the outbox are byte for byte the same before and after', async () => {
    const before = await snapshot();
    const text = await runCli(api.db.url, 'projections', 'what-if', '--model', 'v2');
    const json = await runCli(api.db.url, 'projections', 'what-if', '--model', 'v2', '--json');
    expect([text.code, json.code]).toEqual([0, 0]);
    expect(await snapshot()).toEqual(before);
  });

  it('reports, as JSON, every claim whose status, rating or band v2 would change, with counts per transition', async () => {
    const live = await liveHeadlines(api);
    const { stdout, stderr, code } = await runCli(api.db.url, 'projections', 'what-if', '--model', 'v2', '--json');
    expect(code).toBe(0);
    // Long work shows progress on stderr; stdout holds the result only.
    expect(stderr).toMatch(/what-if v2: .*events in/);
    const report = JSON.parse(stdout) as WhatIfReport;
    expect(report).toMatchObject({ modelVersion: ASSESSMENT_MODEL_V2.modelVersion, claims: seededClaims + 2, liveRowsByModel: { [ASSESSMENT_MODEL_V1.modelVersion]: seededClaims + 2 } });

    const deadZone = report.changes.find((change) => change.claimId === fixture.deadZone);
    expect(deadZone).toMatchObject({
      statement: 'Fighters burned the market of Tessit',
      before: { status: 'unverified', computedStatus: 'unverified', modelVersion: ASSESSMENT_MODEL_V1.modelVersion },
      after: { status: 'contested', computedStatus: 'contested', modelVersion: ASSESSMENT_MODEL_V2.modelVersion },
      changed: expect.arrayContaining(['status', 'computedStatus']),
    });
    expect(report.changes.find((change) => change.claimId === fixture.agreed)).toBeUndefined();

    // Every listed change agrees with the live row it was compared with, and the counts add up.
    for (const change of report.changes) {
      const row = live.get(change.claimId);
      expect(change.before).toMatchObject({ status: row?.status, credibilityRating: row?.rating, band: row?.band });
      for (const field of change.changed) expect(change.before?.[field]).not.toEqual(change.after[field]);
    }
    expect(report.changed).toBe(report.changes.length);
    const statusMoves = report.changes.filter((change) => change.changed.includes('status')).length;
    expect(Object.values(report.transitions.status).reduce((sum, count) => sum + count, 0)).toBe(statusMoves);
    expect(report.transitions.status['unverified -> contested']).toBeGreaterThanOrEqual(1);
  });

  it('prints the same as text: counts per transition, then each claim with before -> after', async () => {
    const { stdout, code } = await runCli(api.db.url, 'projections', 'what-if', '--model', 'v2');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^what-if ${ASSESSMENT_MODEL_V2.modelVersion}: ${seededClaims + 2} claims replayed .* would change; nothing was written`, 'm'));
    expect(stdout).toMatch(/^status:\n( {2}.+ -> .+: \d+\n)* {2}unverified -> contested: \d+$/m);
    expect(stdout).toContain(`  ${fixture.deadZone}  Fighters burned the market of Tessit\n    status unverified -> contested`);
    expect(stdout).not.toContain(fixture.agreed);
  });

  it('finds nothing to change when the candidate is the model the live rows were built with', async () => {
    const { stdout, code } = await runCli(api.db.url, 'projections', 'what-if', '--model', 'v1', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ modelVersion: ASSESSMENT_MODEL_V1.modelVersion, changed: 0, changes: [] });
  });

  it('refuses an unknown model with a usage error', async () => {
    const { stderr, code } = await runCli(api.db.url, 'projections', 'what-if', '--model', 'v9');
    expect(code).toBe(2);
    expect(stderr).toContain('unknown model v9; one of v1, v2');
  });
});
