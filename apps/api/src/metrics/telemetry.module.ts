import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Pool } from 'pg';
import { BacklogMonitor, ClaimLedgerMetrics } from '@claims/platform';
import { CommandTracing } from './command-tracing';
import { MetricsEndpoint } from './metrics-endpoint';
import { TelemetryInterceptor } from './telemetry.interceptor';
import { TELEMETRY_OPTIONS, type TelemetryOptions } from './telemetry.tokens';

/**
 * Metrics and traces of the application (docs/observability.md). The backlog monitor is shared with the
 * health routes, so /health, readiness and a scrape read the same cached figures.
 */
@Global()
@Module({})
export class TelemetryModule {
  static create(options: TelemetryOptions = {}): DynamicModule {
    return {
      module: TelemetryModule,
      providers: [
        { provide: TELEMETRY_OPTIONS, useValue: options },
        { provide: BacklogMonitor, inject: [Pool], useFactory: (pool: Pool) => options.metrics?.backlog ?? new BacklogMonitor(pool) },
        { provide: ClaimLedgerMetrics, inject: [BacklogMonitor], useFactory: (backlog: BacklogMonitor) => options.metrics ?? new ClaimLedgerMetrics({ backlog }) },
        MetricsEndpoint,
        CommandTracing,
        TelemetryInterceptor,
        { provide: APP_INTERCEPTOR, useExisting: TelemetryInterceptor },
      ],
      exports: [BacklogMonitor, ClaimLedgerMetrics, MetricsEndpoint],
    };
  }
}
