import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ConsoleLogger, type DynamicModule, Module } from '@nestjs/common';
import { Pool } from 'pg';
import pino from 'pino';
import { PgEventStore } from '@claims/event-store';
import { appPoolConfig, createPool, dropDatabase, ensureDatabase, migrateAll } from '@claims/platform';
import { AppModule } from '../../../apps/api/src/app.module';
import { createApiApp } from '../../../apps/api/src/http/configure-http';
import { createTestApiKey } from '../../support/api-keys';
import { FLOOR_TABLE_SQL, FloorModule } from './floor.module';

/** DATABASE_POOL_SIZE's default (apps/api/src/config/app-config.ts). */
export const POOL_SIZE = 10;

export interface BenchApp {
  base: string;
  database: string;
  /** Bearer header of an editor key. */
  authorization: string;
  /** Source 0 opened every seeded claim; the others have reported on none. */
  sourceIds: string[];
  claimIds: string[];
  floorIds: string[];
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ id: string }>;
  get(path: string): Promise<unknown>;
  openClaimBody(sourceId: string, sequence: number): object;
  reportBody(sourceId: string): object;
  close(): Promise<void>;
}

/** A ~2 KB JSON document, like a claim's: the floor's row. */
export const floorDocument = () => ({
  statement: `A floor document ${randomUUID()}`,
  notes: Array.from({ length: 16 }, (_, index) => ({ index, text: randomBytes(40).toString('hex') })),
});

export const openClaimBody = (sourceId: string, sequence: number) => ({
  statement: `Bench claim ${sequence} ${randomUUID()}: an attack near Kalamba`,
  category: 'attack',
  actors: [{ name: 'ISGS', role: 'perpetrator' }],
  location: { placeName: 'Kalamba', country: 'Burkina Faso', precision: 'locality' },
  occurred: { start: '2023-10-20', precision: 'day' },
  report: { sourceId, publishedAt: '2023-11-03T08:00:00Z', url: `https://example.org/bench/open/${randomUUID()}` },
});

export const reportBody = (sourceId: string) => ({
  stance: 'supports',
  report: { sourceId, publishedAt: '2023-11-04T08:00:00Z', url: `https://example.org/bench/report/${randomUUID()}` },
});

/**
 * The application as `apps/api/src/main.ts` builds it (createApiApp: the same NestJS express platform,
 * middleware, guards, idempotency interceptor; a pg pool of the default size as the application role; the
 * access log written by pino, to /dev/null), plus the floor module, on an ephemeral port, against a fresh
 * database (dropped by `close`), seeded with `sources` sources and `claims` claims.
 */
export const startBenchApp = async (adminUrl: string, options: { sources?: number; claims?: number } = {}): Promise<BenchApp> => {
  const database = `bench_http_${randomBytes(4).toString('hex')}`;
  const url = await ensureDatabase(adminUrl, database);
  const owner = new Pool({ connectionString: url, max: 2 });
  let closeApp = async () => undefined as void;
  const close = async () => {
    await closeApp();
    await owner.end().catch(() => undefined);
    await dropDatabase(adminUrl, database);
  };
  try {
    await migrateAll(url);
    await owner.query(FLOOR_TABLE_SQL);
    const silent = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
    const pool = createPool({ ...appPoolConfig(url), max: POOL_SIZE, application_name: 'claim-ledger' }, silent);
    const store = new PgEventStore({ pool, logger: silent });
    const apiDatabase = { url, pool, description: `bench database ${database}`, close: () => pool.end() };
    @Module({})
    class HttpBenchModule {}
    const root: DynamicModule = {
      module: HttpBenchModule,
      imports: [AppModule.create(apiDatabase, store, {}, { rateLimitPerMinute: 100_000_000 }, { checkpointIntervalMs: 0 }), FloorModule.forPool(pool)],
    };
    // Errors only (to stderr): a failed request must say why.
    const app = await createApiApp(root, { logger: new ConsoleLogger('bench:http', { logLevels: ['error'] }), accessLogger: silent });
    await app.listen(0, '127.0.0.1');
    closeApp = async () => {
      await app.close();
      await store.close();
      await pool.end();
    };
    const base = `http://127.0.0.1:${((app.getHttpServer() as import('node:http').Server).address() as AddressInfo).port}`;
    const editor = await createTestApiKey(owner, 'editor', { name: 'bench editor' });
    const authorization = editor.header.Authorization;
    const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const response = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      const text = await response.text();
      if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${text}`);
      return JSON.parse(text) as { id: string };
    };
    const get = async (path: string) => {
      const response = await fetch(`${base}${path}`, { headers: { authorization } });
      const text = await response.text();
      if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${text}`);
      return JSON.parse(text) as unknown;
    };
    const sources = await Promise.all(Array.from({ length: options.sources ?? 41 }, (_, index) => post('/sources', { name: `Bench source ${index}`, kind: 'wire_agency', reliability: 'B' })));
    const sourceIds = sources.map((source) => source.id);
    const claimIds: string[] = [];
    const claimCount = options.claims ?? 1000;
    for (let start = 0; start < claimCount; start += 8) {
      const batch = await Promise.all(Array.from({ length: Math.min(8, claimCount - start) }, (_, index) => post('/claims', openClaimBody(sourceIds[0], start + index))));
      claimIds.push(...batch.map((claim) => claim.id));
    }
    const floorIds: string[] = [];
    for (let index = 0; index < 200; index++) floorIds.push((await post('/bench/floor', floorDocument())).id);
    return { base, database, authorization, sourceIds, claimIds, floorIds, post, get, openClaimBody, reportBody, close };
  } catch (error) {
    await close();
    throw error;
  }
};
