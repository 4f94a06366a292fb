import type { ClaimLedgerMetrics } from '@claims/platform';

export interface TelemetryOptions {
  /** This application's metrics; by default a new registry over a backlog monitor of the application's pool. */
  metrics?: ClaimLedgerMetrics;
  /** Where `GET /metrics` listens (port 0: a free one, see `MetricsEndpoint.port`); absent: no listener. */
  listen?: { host: string; port: number };
}

export const TELEMETRY_OPTIONS = Symbol('TELEMETRY_OPTIONS');
