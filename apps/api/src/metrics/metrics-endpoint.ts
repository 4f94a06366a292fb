import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PgEventStore } from '@claims/event-store';
import { ClaimLedgerMetrics, startMetricsListener, type MetricsListener } from '@claims/platform';
import { TELEMETRY_OPTIONS, type TelemetryOptions } from './telemetry.tokens';

/** The metrics listener of this application (when `listen` is set), and the store's append count feeding its counter. */
@Injectable()
export class MetricsEndpoint implements OnApplicationBootstrap, OnApplicationShutdown {
  private listener?: MetricsListener;
  private unsubscribe?: () => void;

  constructor(
    private readonly metrics: ClaimLedgerMetrics,
    private readonly store: PgEventStore,
    @Inject(TELEMETRY_OPTIONS) private readonly options: TelemetryOptions,
  ) {}

  /** The bound port; undefined when there is no listener. */
  get port(): number | undefined {
    return this.listener?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = this.store.onAppended((count) => this.metrics.eventsAppended.inc(count));
    const listen = this.options.listen;
    if (!listen) return;
    // A taken port costs the metrics, not the API: several processes on one host need their own METRICS_PORT.
    this.listener = await startMetricsListener(this.metrics, listen).catch((error: unknown) => {
      new Logger('Metrics').error(`no metrics listener on ${listen.host}:${listen.port}: ${error instanceof Error ? error.message : String(error)} (set METRICS_PORT, 0 for none)`);
      return undefined;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.listener?.close();
    this.listener = undefined;
  }
}
