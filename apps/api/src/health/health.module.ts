import { Module } from '@nestjs/common';
import { TerminusModule } from './terminus';
import { DatabaseIndicator } from './database.indicator';
import { FeedProgressIndicator } from './feed-progress.indicator';
import { MigrationsIndicator } from './migrations.indicator';

/** The health indicators, on `@nestjs/terminus` (its own error log off: the controller logs, and the routes are public). */
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  providers: [DatabaseIndicator, MigrationsIndicator, FeedProgressIndicator],
  exports: [TerminusModule, DatabaseIndicator, MigrationsIndicator, FeedProgressIndicator],
})
export class HealthModule {}
