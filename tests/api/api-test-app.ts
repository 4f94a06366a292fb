import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { PgEventStore } from '@claims/event-store';
import { createTestDatabase, type TestDatabase } from '@claims/testing';
import { AppModule } from '../../apps/api/src/app.module';
import { Clock } from '../../apps/api/src/http/clock';
import { createApiApp } from '../../apps/api/src/http/configure-http';

export interface ApiTestApp {
  app: INestApplication;
  db: TestDatabase;
  store: PgEventStore;
  http: () => ReturnType<typeof request>;
  /** The instant every request is decided at, until changed. */
  setNow(instant: string): void;
  /** Moves the clock forward. */
  tick(minutes?: number): void;
  /** Events in the whole store: a rejected request must leave it unchanged. */
  eventCount(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The API in-process, built as `main.ts` builds it, against a fresh migrated database, with the clock
 * under the test's control.
 */
export const startApiTestApp = async (options: { poolSize?: number } = {}): Promise<ApiTestApp> => {
  const db = await createTestDatabase({ poolSize: options.poolSize ?? 10 });
  const store = new PgEventStore({ pool: db.pool });
  const database = { url: db.url, pool: db.pool, description: `test database ${db.name}`, close: async () => undefined };
  const app = await createApiApp(AppModule.create(database, store), { logger: false });
  await app.init();
  let now = new Date('2024-03-01T10:00:00.000Z');
  jest.spyOn(app.get(Clock), 'now').mockImplementation(() => new Date(now));
  return {
    app,
    db,
    store,
    http: () => request(app.getHttpServer()),
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
      await db.drop();
    },
  };
};
