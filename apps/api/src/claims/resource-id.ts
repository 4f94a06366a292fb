import { createHash, randomUUID } from 'node:crypto';
import type { RequestContextValue } from '../http/request-context';

/**
 * A new resource id. With an `Idempotency-Key` it is derived from the actor, the key and the purpose, so
 * a retry that re-runs the command (after a crash lost the stored response) addresses the same claim or
 * report and the decider recognises it as a no-op instead of writing a duplicate.
 */
export const newResourceId = (context: RequestContextValue, purpose: string): string => {
  if (!context.idempotencyKey) return randomUUID();
  const hash = createHash('sha256').update(`${context.actor.id}\n${context.idempotencyKey}\n${purpose}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x80; // RFC 9562 version 8 (custom)
  hash[8] = (hash[8] & 0x3f) | 0x80; // RFC 9562 variant
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};
