import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Pool } from 'pg';
import { PgEventStore } from '@claims/event-store';
import { DATABASE, type Database } from './database';

/** Provides the database (its pool, and the embedded server's state) and the event store to the application; the caller owns their lifecycle. */
@Global()
@Module({})
export class DatabaseModule {
  static forDatabase(database: Database, eventStore: PgEventStore): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: Pool, useValue: database.pool },
        { provide: PgEventStore, useValue: eventStore },
        { provide: DATABASE, useValue: database },
      ],
      exports: [Pool, PgEventStore, DATABASE],
    };
  }
}
