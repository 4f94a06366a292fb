import { readdirSync } from 'node:fs';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from './terminus';
import { Pool } from 'pg';
import { EVENT_STORE_MIGRATIONS_DIR } from '@claims/event-store';
import { APP_MIGRATIONS_DIR } from '@claims/platform';

/** While migrations are missing, look again at most this often. */
const RECHECK_MS = 5_000;

const migrationNames = (dir: string): string[] =>
  readdirSync(dir)
    .filter((file) => /\.(sql|js|ts)$/.test(file))
    .map((file) => file.replace(/\.(sql|js|ts)$/, ''));

/**
 * Every migration this code ships is applied in the database (e.g. a new version started against a
 * database an older one migrated and this one could not). Applied migrations are never undone, so once
 * they are all there the answer is cached for the life of the process: no query per probe.
 */
@Injectable()
export class MigrationsIndicator {
  private readonly expected = [
    { table: 'event_store_migrations', names: migrationNames(EVENT_STORE_MIGRATIONS_DIR) },
    { table: 'app_migrations', names: migrationNames(APP_MIGRATIONS_DIR) },
  ];
  private applied = false;
  private missing: string[] = [];
  private checkedAt = 0;
  private inFlight?: Promise<void>;

  constructor(
    private readonly pool: Pool,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key = 'migrations') {
    const session = this.indicators.check(key);
    if (!this.applied && Date.now() - this.checkedAt >= RECHECK_MS) {
      this.inFlight ??= this.read().finally(() => {
        this.inFlight = undefined;
      });
      await this.inFlight.catch(() => undefined);
    }
    return this.applied ? session.up() : session.down({ missing: this.missing.length });
  }

  private async read(): Promise<void> {
    const missing: string[] = [];
    for (const { table, names } of this.expected) {
      const { rows } = await this.pool.query<{ name: string }>(`SELECT name FROM ${table}`);
      const applied = new Set(rows.map((row) => row.name));
      missing.push(...names.filter((name) => !applied.has(name)));
    }
    this.missing = missing;
    this.applied = missing.length === 0;
    this.checkedAt = Date.now();
  }
}
