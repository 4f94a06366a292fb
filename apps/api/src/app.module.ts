import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { PgEventStore } from '@claims/event-store';
import { AdminModule } from './admin/admin.module';
import { AsyncApiModule } from './asyncapi/asyncapi.module';
import { AuditModule } from './audit/audit.module';
import type { AuditOptions } from './audit/checkpoint-scheduler';
import { AuthModule, type AuthOptions } from './auth/auth.module';
import type { Database } from './database/database';
import { ClaimReviewModule } from './claim-review/claim-review.module';
import { ClaimsModule } from './claims/claims.module';
import { DatabaseModule } from './database/database.module';
import { DeskModule } from './desk/desk.module';
import { FeedsModule } from './feeds/feeds.module';
import type { FeedsOptions } from './feeds/feeds.tokens';
import { HealthController } from './health/health.controller';
import { HealthModule } from './health/health.module';
import { HttpModule } from './http/http.module';
import { TelemetryModule } from './metrics/telemetry.module';
import type { TelemetryOptions } from './metrics/telemetry.tokens';
import { ProtectionModule } from './protection/protection.module';
import type { ProtectionOptions } from './protection/protection.options';
import { SourcesModule } from './sources/sources.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  /** `feeds.relay`: the feed relay this process runs, if any (its status shows in /health). `auth`: rate limit and key cache. */
  static create(database: Database, eventStore: PgEventStore, feeds: FeedsOptions = {}, auth: AuthOptions = {}, audit: AuditOptions = {}, protection: ProtectionOptions = {}, telemetry: TelemetryOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [HttpModule, DatabaseModule.forDatabase(database, eventStore), CqrsModule.forRoot(), AuthModule.create(auth), SourcesModule, ClaimsModule, DeskModule, FeedsModule.create(feeds), AsyncApiModule, ClaimReviewModule, AdminModule, WebhooksModule, AuditModule.create(audit), ProtectionModule.create(protection), TelemetryModule.create(telemetry), HealthModule],
      controllers: [HealthController],
    };
  }
}
