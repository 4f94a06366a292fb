import { type DynamicModule, Module } from '@nestjs/common';
import type { PgEventStore } from '@claims/event-store';
import type { Database } from './database/database';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health/health.controller';
import { HttpModule } from './http/http.module';

@Module({})
export class AppModule {
  static create(database: Database, eventStore: PgEventStore): DynamicModule {
    return {
      module: AppModule,
      imports: [HttpModule, DatabaseModule.forDatabase(database, eventStore)],
      controllers: [HealthController],
    };
  }
}
