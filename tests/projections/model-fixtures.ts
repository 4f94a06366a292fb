import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SeedDatasetSchema } from '@claims/contracts';
import { runSeed, type SeedResult } from '../../infra/seed/seed-loader';
import { EDITOR, openClaim, openClaimBody, registerSource, report } from '../api/api-fixtures';
import type { ApiTestApp } from '../api/api-test-app';

/**
 * Two claims on which the assessment models are known to answer as the issue says (issue 12, "Why"):
 *
 * - `deadZone`: two B-grade outlets support (version 2: `corroborated` under both models), then a B-grade
 *   research organisation disputes, each its own origin. R = 3, S = 1.5: not contested under v1 (R >= 2S)
 *   and no longer corroborated (confidence 0.615 < 0.7), so v1 answers `unverified`; credible independent
 *   evidence on both sides is `contested` under v2.
 * - `agreed`: an A-grade and a B-grade outlet support, nothing disputes: `corroborated` under both.
 */
export interface ModelFixture {
  deadZone: string;
  agreed: string;
}

export const seedModelFixture = async (api: ApiTestApp): Promise<ModelFixture> => {
  const outletOne = await registerSource(api, { name: 'Sahel Wire', reliability: 'B', originGroup: 'sahel-wire' });
  const outletTwo = await registerSource(api, { name: 'Niger Courier', reliability: 'B', originGroup: 'niger-courier' });
  const research = await registerSource(api, { name: 'Sahel Conflict Monitor', kind: 'research_organisation', reliability: 'B', originGroup: 'conflict-monitor' });
  const wireA = await registerSource(api, { name: 'Global Wire', reliability: 'A', originGroup: 'global-wire' });

  const deadZone = await openClaim(api, openClaimBody(outletOne, { statement: 'Fighters burned the market of Tessit' }));
  await api.http().post(`/claims/${deadZone.id}/reports`).set(EDITOR).send({ stance: 'supports', report: report(outletTwo) }).expect(201);
  await api.http().post(`/claims/${deadZone.id}/reports`).set(EDITOR).send({ stance: 'disputes', reason: 'No damage on imagery', report: report(research) }).expect(201);

  const agreed = await openClaim(api, openClaimBody(wireA, { statement: 'Fighters attacked the Ménaka checkpoint' }));
  await api.http().post(`/claims/${agreed.id}/reports`).set(EDITOR).send({ stance: 'supports', report: report(outletOne) }).expect(201);
  return { deadZone: deadZone.id, agreed: agreed.id };
};

/** Loads the Sahel dataset (infra/seed) through the HTTP API of a test app; the app must not listen yet. */
export const seedSahel = async (api: ApiTestApp): Promise<SeedResult> => {
  const file = path.join(__dirname, '..', '..', 'infra', 'seed', 'sahel-2019-2023.json');
  const dataset = SeedDatasetSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  // After the latest document date: reports may not be published in the future.
  api.setNow('2025-01-15T09:00:00.000Z');
  await api.app.listen(0, '127.0.0.1');
  const { port } = api.app.getHttpServer().address() as { port: number };
  return runSeed({ baseUrl: `http://127.0.0.1:${port}`, apiKey: api.keys.editor.secret, dataset });
};

/** The headline columns of every live claim row, by claim id. */
export const liveHeadlines = async (api: ApiTestApp): Promise<Map<string, { status: string; rating: number; band: string; model: string }>> => {
  const { rows } = await api.db.pool.query<{ claim_id: string; status: string; credibility_rating: number; band: string; model_version: string }>(
    'SELECT claim_id, status, credibility_rating, band, model_version FROM claim_view ORDER BY claim_id',
  );
  return new Map(rows.map((row) => [row.claim_id, { status: row.status, rating: row.credibility_rating, band: row.band, model: row.model_version }]));
};
