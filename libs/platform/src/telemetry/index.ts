export * from './ambient-metrics';
export * from './backlog-monitor';
export * from './metrics';
export * from './metrics-server';
export * from './telemetry-config';
export * from './tracing';
