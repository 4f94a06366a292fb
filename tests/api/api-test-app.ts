import type { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import request from 'supertest';
import type { ApiKeyRole } from '@claims/contracts';
import { PgEventStore } from '@claims/event-store';
import { createTestDatabase, type TestDatabase } from '@claims/testing';
import { AppModule } from '../../apps/api/src/app.module';
import type { AuthOptions } from '../../apps/api/src/auth/auth.module';
import type { AuditOptions } from '../../apps/api/src/audit/checkpoint-scheduler';
import { testAuditOptions } from '../audit/transparency-keys';
import type { ProtectionOptions } from '../../apps/api/src/protection/protection.options';
import { testProtectionOptions } from '../protection/protection-keys';
import { appPoolConfig } from '@claims/platform';
import { Clock } from '../../apps/api/src/http/clock';
import { createApiApp } from '../../apps/api/src/http/configure-http';
import type { TelemetryOptions } from '../../apps/api/src/metrics/telemetry.tokens';
import { createTestApiKey, type TestApiKey } from '../support/api-keys';
import { TEST_KEY_SECRETS } from './api-fixtures';

export interface ApiTestApp {
  app: INestApplication;
  db: TestDatabase;
  /** The application's pool: connected as the claim_ledger_app role, as in production. */
  appPool: Pool;
  store: PgEventStore;
  /** Requests as the editor key (`EDITOR` in api-fixtures); `.set()` another Authorization to act as someone else. */
  http: () => ReturnType<typeof request.agent>;
  /** Requests as the test key of a role. */
  as: (role: ApiKeyRole) => ReturnType<typeof request.agent>;
  /** Requests without any key. */
  anonymous: () => ReturnType<typeof request>;
  /** One key per role, with known secrets (api-fixtures `TEST_KEY_SECRETS`). */
  keys: Record<ApiKeyRole, TestApiKey>;
  /** The instant every request is decided at, until changed. */
  setNow(instant: string): void;
  /** Moves the clock forward. */
  tick(minutes?: number): void;
  /** Events in the whole store: a rejected request must leave it unchanged. */
  eventCount(): Promise<number>;
  close(): Promise<void>;
}

/** When the test keys are issued: before any test clock. */
export const TEST_KEYS_ISSUED_AT = new Date('2024-01-01T00:00:00.000Z');

/**
 * The API in-process, built as `main.ts` builds it (the pool switched to the application's database role),
 * against a fresh migrated database, with the clock under the test's control and one API key per role.
 * The rate limits are out of the way unless `auth.rateLimitPerMinute` / `auth.failedAuthenticationsPerMinute` say otherwise.
 */
export const startApiTestApp = async (options: { poolSize?: number; auth?: AuthOptions; /** Default: signed checkpoints and one witness (tests/audit/transparency-keys.ts). */ audit?: AuditOptions; /** Default: a fixed test master key (tests/protection/protection-keys.ts). */ protection?: ProtectionOptions; /** Default: no metrics listener (several apps share a jest worker); `{ listen: { host: '127.0.0.1', port: 0 } }` opens one on a free port (`MetricsEndpoint.port`). */ telemetry?: TelemetryOptions } = {}): Promise<ApiTestApp> => {
  const db = await createTestDatabase({ poolSize: 4 });
  const appPool = new Pool({ ...appPoolConfig(db.url), max: options.poolSize ?? 10 });
  const store = new PgEventStore({ pool: appPool });
  const keys = Object.fromEntries(
    await Promise.all(
      (Object.entries(TEST_KEY_SECRETS) as Array<[ApiKeyRole, { name: string; secret: string }]>).map(async ([role, { name, secret }]) => [
        role,
        await createTestApiKey(db.pool, role, { name, secret, now: TEST_KEYS_ISSUED_AT }),
      ]),
    ),
  ) as Record<ApiKeyRole, TestApiKey>;
  const database = { url: db.url, pool: appPool, description: `test database ${db.name}`, close: async () => undefined };
  const app = await createApiApp(AppModule.create(database, store, {}, { rateLimitPerMinute: 1_000_000, failedAuthenticationsPerMinute: 1_000_000, ...options.auth }, options.audit ?? testAuditOptions(), options.protection ?? testProtectionOptions(), options.telemetry ?? {}), { logger: false });
  await app.init();
  let now = new Date('2024-03-01T10:00:00.000Z');
  jest.spyOn(app.get(Clock), 'now').mockImplementation(() => new Date(now));
  const as = (role: ApiKeyRole) => request.agent(app.getHttpServer()).set(keys[role].header);
  return {
    app,
    db,
    appPool,
    store,
    http: () => as('editor'),
    as,
    anonymous: () => request(app.getHttpServer()),
    keys,
    setNow: (instant) => {
      now = new Date(instant);
    },
    tick: (minutes = 1) => {
      now = new Date(now.getTime() + minutes * 60_000);
    },
    eventCount: async () => Number((await db.pool.query<{ count: string }>('SELECT count(*) FROM events')).rows[0].count),
    close: async () => {
      await app.close();
      await store.close();
      await appPool.end();
      await db.drop();
    },
  };
};
