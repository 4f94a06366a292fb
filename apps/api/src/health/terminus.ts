/**
 * `@nestjs/terminus` 12 is published as ES modules only. Node 20.19+ loads it with `require` (which the
 * application's CommonJS build emits), but TypeScript's `node16` resolution refuses such an import; so the
 * types come in with `resolution-mode: import` and the values through one `require` here, in one place.
 */
import type * as Terminus from '@nestjs/terminus' with { 'resolution-mode': 'import' };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const terminus = require('@nestjs/terminus') as typeof Terminus;

export const TerminusModule = terminus.TerminusModule;
export const HealthCheckService = terminus.HealthCheckService;
export type HealthCheckService = Terminus.HealthCheckService;
export const HealthIndicatorService = terminus.HealthIndicatorService;
export type HealthIndicatorService = Terminus.HealthIndicatorService;
export type HealthCheckResult = Terminus.HealthCheckResult;
export type HealthIndicatorResult = Terminus.HealthIndicatorResult;
