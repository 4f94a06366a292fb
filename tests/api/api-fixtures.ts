import type { ApiKeyRole } from '@claims/contracts';
import { fixedApiKeySecret } from '../support/api-keys';
import type { ApiTestApp } from './api-test-app';

/** The keys every API test app has, one per role, with secrets known in advance (test data, not real keys). */
export const TEST_KEY_SECRETS: Record<ApiKeyRole, { name: string; secret: string }> = {
  editor: { name: 'Amina (editor)', secret: fixedApiKeySecret('e0', 'E') },
  analyst: { name: 'Jules (analyst)', secret: fixedApiKeySecret('a0', 'A') },
  auditor: { name: 'Ines (auditor)', secret: fixedApiKeySecret('ad', 'D') },
  reader: { name: 'Rami (reader)', secret: fixedApiKeySecret('0d', 'R') },
  feed: { name: 'partner feed', secret: fixedApiKeySecret('fe', 'F') },
  admin: { name: 'key admin', secret: fixedApiKeySecret('ac', 'C') },
  protector: { name: 'Noor (protector)', secret: fixedApiKeySecret('b0', 'P') },
};

/** The editor's key, as recorded on events: `recordedBy` is its id, the metadata actor its id, name and role. */
export const EDITOR_ACTOR = { id: '00000000-0000-4000-8000-0000000000e0', name: 'Amina (editor)', role: 'editor' };

export const EDITOR = { Authorization: `Bearer ${TEST_KEY_SECRETS.editor.secret}` };

export const registerSource = async (
  api: ApiTestApp,
  source: { name: string; reliability?: string; kind?: string; affiliation?: string; originGroup?: string; confidential?: boolean; contactNotes?: string },
): Promise<string> => {
  const response = await api
    .http()
    .post('/sources')
    .set(EDITOR)
    .send({ kind: 'news_outlet', ...source })
    .expect(201);
  return response.body.id as string;
};

export const report = (sourceId: string, extra: Record<string, unknown> = {}) => ({
  sourceId,
  publishedAt: '2024-02-28T08:00:00Z',
  url: 'https://news.example.org/kalamba',
  ...extra,
});

export const openClaimBody = (sourceId: string, extra: Record<string, unknown> = {}) => ({
  statement: 'ISGS fighters executed three alleged JNIM informants near Kalamba',
  category: 'execution',
  actors: [
    { name: 'ISGS', role: 'perpetrator', affiliation: 'Islamic State' },
    { name: 'JNIM', role: 'target' },
  ],
  location: { placeName: 'Kalamba', adminRegion: 'Ménaka', country: 'Mali', precision: 'locality' },
  occurred: { start: '2024-02-20', precision: 'day' },
  report: report(sourceId),
  ...extra,
});

export const openClaim = async (api: ApiTestApp, body: Record<string, unknown>): Promise<{ id: string; version: number }> => {
  const response = await api.http().post('/claims').set(EDITOR).send(body).expect(201);
  return { id: response.body.id as string, version: response.body.version as number };
};
