import type { ApiTestApp } from './api-test-app';

export const EDITOR = { 'X-Actor-Id': 'editor-amina', 'X-Actor-Name': 'Amina' };

export const registerSource = async (
  api: ApiTestApp,
  source: { name: string; reliability?: string; kind?: string; affiliation?: string; originGroup?: string },
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
