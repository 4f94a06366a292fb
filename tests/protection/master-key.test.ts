import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import { parseMasterKey } from '@claims/platform';
import { AppModule } from '../../apps/api/src/app.module';
import { createApiApp } from '../../apps/api/src/http/configure-http';
import { masterKeyProblem } from '../../apps/api/src/protection/subject-data-keys';
import { testAuditOptions } from '../audit/transparency-keys';
import { startApiTestApp, type ApiTestApp } from '../api/api-test-app';
import { runProjectProcess } from '../support/project-process';
import { TEST_MASTER_KEY, TEST_NEXT_MASTER_KEY, testProtectionOptions } from './protection-keys';

const NAME = 'Fatimata of the Gorom-Gorom market';

/** The master key: rotation re-wraps every data key without touching the log; a missing or wrong key fails clearly. */
describe('the master key', () => {
  let api: ApiTestApp;
  let sourceId: string;
  let other: INestApplication | undefined;

  beforeAll(async () => {
    api = await startApiTestApp();
    sourceId = (await api.http().post('/sources').send({ name: NAME, kind: 'local_contact', reliability: 'C', confidential: true }).expect(201)).body.id;
    await api.http().post('/sources').send({ name: 'Second witness', kind: 'local_contact', confidential: true }).expect(201);
  });
  afterAll(async () => {
    await other?.close();
    await api.close();
  });

  /** The API over the same database with another master key (as after a restart with a new DATA_KEY_ENCRYPTION_KEY). */
  const apiWithKey = async (key: string): Promise<INestApplication> => {
    const database = { url: api.db.url, pool: api.appPool, description: 'same database', close: async () => undefined };
    const app = await createApiApp(AppModule.create(database, api.store, {}, { rateLimitPerMinute: 1_000_000, failedAuthenticationsPerMinute: 1_000_000 }, testAuditOptions(), testProtectionOptions(key)), { logger: false });
    await app.init();
    return app;
  };

  it('refuses to start, in one line without the key, when confidential data is stored and the master key is missing, malformed or wrong', async () => {
    const wrong = Buffer.alloc(32, 0x77).toString('base64');
    const start = (env: NodeJS.ProcessEnv) => runProjectProcess(['apps/api/src/main.ts'], { LOG_LEVEL: 'warn', PORT: '0', KAFKA_BROKERS: '', DATABASE_URL: api.db.url, ...env });
    const [missing, malformed, mismatched] = await Promise.all([start({}), start({ DATA_KEY_ENCRYPTION_KEY: 'not-a-key' }), start({ DATA_KEY_ENCRYPTION_KEY: wrong })]);
    const lines = (run: { stderr: string }) => run.stderr.trim().split('\n');
    expect({ code: missing.code, lines: lines(missing) }).toEqual({ code: 1, lines: ['claim-ledger failed to start: confidential sources are stored but DATA_KEY_ENCRYPTION_KEY is not set (docs/protection.md)'] });
    expect({ code: malformed.code, lines: lines(malformed) }).toEqual({ code: 1, lines: ['claim-ledger failed to start: DATA_KEY_ENCRYPTION_KEY: not a base64 32-byte key; create one with `npm run cli -- protection keygen`'] });
    expect(mismatched.code).toBe(1);
    expect(lines(mismatched)).toEqual([expect.stringMatching(/^claim-ledger failed to start: DATA_KEY_ENCRYPTION_KEY is not the master key the data keys were wrapped with \(key [0-9a-f]{16}, configured [0-9a-f]{16}\)$/)]);
    for (const run of [missing, malformed, mismatched]) expect(run.stderr + run.stdout).not.toContain(wrong);
    expect(await masterKeyProblem(api.appPool, parseMasterKey(TEST_MASTER_KEY, 'test'))).toBeUndefined();
  });

  it('answers a clear problem, never a 500 or the key, when a process runs without the key the data needs', async () => {
    const without = await apiWithKey(Buffer.alloc(32, 0x21).toString('base64'));
    try {
      const read = await request(without.getHttpServer()).get(`/sources/${sourceId}`).set(api.keys.editor.header).expect(503);
      expect(read.body).toMatchObject({ code: 'DATA_KEY_UNAVAILABLE' });
      expect(read.text).not.toContain(Buffer.alloc(32, 0x21).toString('base64'));
      // A reader never needs the key: the pseudonym is in the projection.
      expect((await request(without.getHttpServer()).get(`/sources/${sourceId}`).set(api.keys.reader.header).expect(200)).body.name).toMatch(/^Confidential source \d+/);
    } finally {
      await without.close();
    }
    const none = await createApiApp(AppModule.create({ url: api.db.url, pool: api.appPool, description: 'same database', close: async () => undefined }, api.store, {}, {}, testAuditOptions(), {}), { logger: false });
    await none.init();
    try {
      const before = await api.eventCount();
      const refused = await request(none.getHttpServer()).post('/sources').set(api.keys.editor.header).send({ name: 'Third witness', kind: 'local_contact', confidential: true }).expect(503);
      expect(refused.body).toMatchObject({ code: 'DATA_KEY_ENCRYPTION_KEY_NOT_SET' });
      expect(await api.eventCount()).toBe(before);
    } finally {
      await none.close();
    }
  });

  it('rotates: every data key re-wrapped with the new master key, no event rewritten, everything still readable', async () => {
    const log = async () => (await api.db.pool.query<{ row: string }>("SELECT encode(hash, 'hex') || data::text AS row FROM events ORDER BY global_position")).rows.map((row) => row.row);
    const before = await log();
    const rotate = await runProjectProcess(['apps/api/src/cli/cli.ts', 'protection', 'rotate-master-key', '--new-key', TEST_NEXT_MASTER_KEY], { DATABASE_URL: api.db.url, LOG_LEVEL: 'warn', DATA_KEY_ENCRYPTION_KEY: TEST_MASTER_KEY });
    expect({ code: rotate.code, stderr: rotate.stderr }).toEqual({ code: 0, stderr: '' });
    expect(rotate.stdout).toMatch(/^re-wrapped 2 data keys from master key [0-9a-f]{16} to [0-9a-f]{16}; now set DATA_KEY_ENCRYPTION_KEY to the new key\n$/);
    expect(rotate.stdout).not.toContain(TEST_NEXT_MASTER_KEY);
    expect(await log()).toEqual(before);
    const ids = (await api.db.pool.query<{ master_key_id: string }>('SELECT DISTINCT master_key_id FROM subject_data_keys')).rows.map((row) => row.master_key_id);
    expect(ids).toEqual([parseMasterKey(TEST_NEXT_MASTER_KEY, 'test').id]);

    other = await apiWithKey(TEST_NEXT_MASTER_KEY);
    expect((await request(other.getHttpServer()).get(`/sources/${sourceId}`).set(api.keys.editor.header).expect(200)).body).toMatchObject({ name: NAME, confidential: { identity: 'shown' } });
    // The old key opens nothing any more: the running process with it answers the clear problem.
    expect((await api.as('editor').get(`/sources/${sourceId}`).expect(503)).body.code).toBe('DATA_KEY_UNAVAILABLE');
    // Rotating again with the old key as current is refused (it wrapped none of them), changing nothing.
    const again = await runProjectProcess(['apps/api/src/cli/cli.ts', 'protection', 'rotate-master-key', '--new-key', TEST_MASTER_KEY], { DATABASE_URL: api.db.url, LOG_LEVEL: 'warn', DATA_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 0x33).toString('base64') });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/the data keys were wrapped by master key [0-9a-f]{16}, but DATA_KEY_ENCRYPTION_KEY is key [0-9a-f]{16}/);
    const keygen = await runProjectProcess(['apps/api/src/cli/cli.ts', 'protection', 'keygen'], { DATABASE_URL: api.db.url, LOG_LEVEL: 'warn' });
    expect(Buffer.from(keygen.stdout.trim(), 'base64')).toHaveLength(32);
  });
});
