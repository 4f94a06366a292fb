import { parseMasterKey } from '@claims/platform';
import { ensureSubjectKey, masterKeyProblem, rewrapAllKeys } from '../../apps/api/src/protection/subject-data-keys';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { TEST_MASTER_KEY, TEST_NEXT_MASTER_KEY } from './protection-keys';

/**
 * The start-up check looks at every live data key, not only the oldest: a process still on the old master
 * key after a rotation (the restart not yet done) wraps a new source's key with it, and a restart with the
 * new key alone would then start fine yet answer 503 for that source for good.
 */
describe('the start-up check after a rotation', () => {
  let api: ApiTestApp;
  afterAll(() => api.close());

  it('refuses a master key that wrapped only some of the stored data keys, naming the other key by id', async () => {
    api = await startApiTestApp();
    await api.http().post('/sources').send({ name: 'Early witness', kind: 'local_contact', confidential: true }).expect(201);
    const old = parseMasterKey(TEST_MASTER_KEY, 'test');
    const next = parseMasterKey(TEST_NEXT_MASTER_KEY, 'test');
    expect(await rewrapAllKeys(api.db.pool, old, next)).toBe(1);
    expect(await masterKeyProblem(api.db.pool, next)).toBeUndefined();
    // A process not yet restarted registers a source with the old key.
    await ensureSubjectKey(api.db.pool, old, 'late-source', new Date());
    expect(await masterKeyProblem(api.db.pool, next)).toBe(`1 data key is wrapped by master key ${old.id}, not by DATA_KEY_ENCRYPTION_KEY (key ${next.id}): run the rotation again (docs/protection.md)`);
    expect(await masterKeyProblem(api.db.pool, old)).toBe(`DATA_KEY_ENCRYPTION_KEY is not the master key the data keys were wrapped with (key ${next.id}, configured ${old.id})`);
    // Running the rotation again finishes it.
    expect(await rewrapAllKeys(api.db.pool, old, next)).toBe(1);
    expect(await masterKeyProblem(api.db.pool, next)).toBeUndefined();
  });
});
