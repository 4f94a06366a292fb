import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface Tracing {
  /** Flushes the spans still buffered and stops exporting. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing for this process when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (or a test hands
 * its own span processors, e.g. over an `InMemorySpanExporter`); otherwise nothing is registered, the
 * `@opentelemetry/api` calls in the code stay no-ops, and no `traceparent` is written anywhere.
 *
 * The spans are made by hand where the work happens (HTTP, command, append, projection, outbox, relay), not
 * by monkey-patching `pg`, `express` or `kafkajs`: no instrumentation package is loaded. The standard
 * `OTEL_*` variables configure the exporter (`OTEL_EXPORTER_OTLP_ENDPOINT`, `_HEADERS`, `_TIMEOUT`,
 * `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER`...). Metrics stay with Prometheus
 * (`METRICS_PORT`), so the SDK exports neither metrics nor logs.
 */
export const startTracing = async (options: { serviceName: string; env?: NodeJS.ProcessEnv; spanProcessors?: SpanProcessor[] }): Promise<Tracing | undefined> => {
  const env = options.env ?? process.env;
  if (!options.spanProcessors && !env.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  // Loaded only when tracing is on: the SDK is large, and the CLI and most tests never need it.
  const [{ NodeSDK }, { OTLPTraceExporter }] = await Promise.all([import('@opentelemetry/sdk-node'), import('@opentelemetry/exporter-trace-otlp-http')]);
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || options.serviceName,
    ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : { traceExporter: new OTLPTraceExporter() }),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
};
