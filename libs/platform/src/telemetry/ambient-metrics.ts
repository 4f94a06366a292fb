import { AsyncLocalStorage } from 'node:async_hooks';
import type { ClaimLedgerMetrics } from './metrics';

const ambient = new AsyncLocalStorage<ClaimLedgerMetrics>();

/**
 * The metrics of the application that handles the current request. Code deep in a command (announcing a
 * status change) counts into it without every caller passing it down, and several applications in one
 * process (tests) keep their own figures.
 */
export const runWithMetrics = <T>(metrics: ClaimLedgerMetrics | undefined, work: () => T): T => (metrics ? ambient.run(metrics, work) : work());

export const ambientMetrics = (): ClaimLedgerMetrics | undefined => ambient.getStore();
