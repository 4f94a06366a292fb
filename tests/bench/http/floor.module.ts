import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, type DynamicModule, HttpCode, Module, NotFoundException, Param, Post } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';
import { Public } from '../../../apps/api/src/auth/access.decorators';

/** The floor's table, created by the bench as the owner (the application role only writes and reads it). */
export const FLOOR_TABLE_SQL = `CREATE TABLE bench_floor (id uuid PRIMARY KEY, body jsonb NOT NULL);
  GRANT SELECT, INSERT ON bench_floor TO claim_ledger_app`;

/**
 * The floor of `bench:http`: two bare routes on the same Nest application (so the same express platform,
 * global middleware, guards, interceptor and pool) that do the least a command and a read can do: commit
 * one INSERT of the request's ~2 KB JSON document in a transaction (BEGIN, INSERT, COMMIT, like a
 * command's unit of work), and read that row back by primary key. No validation, no domain, no log.
 * Registered only in the bench's application, never in production.
 */
@Controller('bench/floor')
@Public()
export class FloorController {
  constructor(private readonly pool: Pool) {}

  @Post()
  @HttpCode(201)
  async insert(@Body() body: unknown): Promise<{ id: string }> {
    const id = randomUUID();
    await this.inTransaction(async (client) => {
      await client.query({ name: 'bench_floor_insert', text: 'INSERT INTO bench_floor (id, body) VALUES ($1, $2)', values: [id, JSON.stringify(body)] });
    });
    return { id };
  }

  /**
   * Not a target, a yardstick: the statements a claim command sends (BEGIN, the lock-and-read call, the
   * append, the row replace, the outbox insert, COMMIT; tests/scale/command-round-trips.test.ts) with none of
   * its work, so the bench can say how much of a command's cost is round trips alone.
   */
  @Post('round-trips')
  @HttpCode(201)
  async roundTrips(@Body() body: unknown): Promise<{ id: string }> {
    const id = randomUUID();
    const document = JSON.stringify(body);
    await this.inTransaction(async (client) => {
      await client.query({ name: 'bench_floor_lock', text: 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', values: [id] });
      for (const rowId of [id, randomUUID(), randomUUID()]) {
        await client.query({ name: 'bench_floor_insert', text: 'INSERT INTO bench_floor (id, body) VALUES ($1, $2)', values: [rowId, document] });
      }
    });
    return { id };
  }

  /** BEGIN, `work`, COMMIT on one pooled connection (ROLLBACK when it throws): a command's unit of work, bare. */
  private async inTransaction(work: (client: PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  @Get(':id')
  async read(@Param('id') id: string): Promise<unknown> {
    const { rows } = await this.pool.query<{ body: unknown }>({ name: 'bench_floor_read', text: 'SELECT body FROM bench_floor WHERE id = $1', values: [id] });
    if (!rows[0]) throw new NotFoundException();
    return rows[0].body;
  }
}

@Module({})
export class FloorModule {
  /** `pool`: the application's own pool (the one its commands use). */
  static forPool(pool: Pool): DynamicModule {
    return { module: FloorModule, controllers: [FloorController], providers: [{ provide: Pool, useValue: pool }] };
  }
}
