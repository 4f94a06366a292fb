import { generateApiKey } from '../../apps/api/src/auth/api-key-secret';
import { ApiKeyRegistry } from '../../apps/api/src/auth/api-key.registry';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';

const LIMIT = 10;

describe('failed authentication, limited per client address', () => {
  let api: ApiTestApp;
  let lookups: jest.SpyInstance;

  beforeEach(async () => {
    api = await startApiTestApp({ auth: { failedAuthenticationsPerMinute: LIMIT } });
    lookups = jest.spyOn(api.app.get(ApiKeyRegistry), 'find');
  });
  afterEach(() => api.close());

  const withKey = (secret: string) => api.anonymous().get('/claims').set('Authorization', `Bearer ${secret}`);

  it(`cuts a burst of unknown key ids off with 429 TOO_MANY_FAILED_AUTHENTICATIONS after ${LIMIT} failures, looking none of the rest up`, async () => {
    const statuses: number[] = [];
    let refused;
    for (let attempt = 0; attempt < 4 * LIMIT; attempt++) {
      const response = await withKey(generateApiKey().secret);
      statuses.push(response.status);
      if (response.status === 429) refused = response;
    }
    expect(statuses).toEqual([...Array(LIMIT).fill(401), ...Array(3 * LIMIT).fill(429)]);
    expect(lookups).toHaveBeenCalledTimes(LIMIT);
    expect(refused?.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused?.body).toMatchObject({ status: 429, code: 'TOO_MANY_FAILED_AUTHENTICATIONS' });
    // A token comes back every 60 / LIMIT seconds.
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused?.headers['retry-after'])).toBeLessThanOrEqual(60 / LIMIT);

    // The address is refused before any lookup, whatever key it sends now.
    const valid = await api.as('reader').get('/claims');
    expect(valid.status).toBe(429);
    expect(lookups).toHaveBeenCalledTimes(LIMIT);
  });

  it('looks an unknown key id up once per key cache window, however often it is sent', async () => {
    const unknown = generateApiKey().secret;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < LIMIT; attempt++) statuses.push((await withKey(unknown)).status);
    expect(statuses).toEqual(Array(LIMIT).fill(401));
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  it('counts only failures: a valid key is not held to the failure limit', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3 * LIMIT; attempt++) statuses.push((await api.as('reader').get('/claims')).status);
    expect(statuses).toEqual(Array(3 * LIMIT).fill(200));
  });
});
