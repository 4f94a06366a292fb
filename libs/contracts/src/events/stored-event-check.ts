import { ZodError } from 'zod';
import { readApiKeyEvent } from './api-key-events.schema';
import { readClaimEvent, readSourceEvent, type StoredEvent } from './event-versioning';

// Each stream kind of this application and the reader of its events (stream ids are `<kind>-<id>`).
const READERS: ReadonlyArray<readonly [prefix: string, read: (stored: StoredEvent) => unknown]> = [
  ['claim-', readClaimEvent],
  ['source-', readSourceEvent],
  ['api-key-', readApiKeyEvent],
];

/**
 * Why a stored event is not one this application can read (undefined when it is): an unknown stream kind,
 * an unknown type, a schema version nothing upcasts, or data its schema refuses (the first few fields named).
 * What an import checks for every event before it writes any.
 */
export const problemWithStoredEvent = (streamId: string, stored: StoredEvent): string | undefined => {
  const read = READERS.find(([prefix]) => streamId.startsWith(prefix))?.[1];
  if (!read) return `no stream of this application is named like "${streamId}" (expected ${READERS.map(([prefix]) => `${prefix}<id>`).join(', ')})`;
  try {
    read(stored);
    return undefined;
  } catch (error) {
    if (error instanceof ZodError) {
      const issues = error.issues.slice(0, 3).map((issue) => `${['data', ...issue.path.slice(1)].map(String).join('.')}: ${issue.message}`);
      return `not a valid ${stored.type} event: ${issues.join('; ')}${error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : ''}`;
    }
    return error instanceof Error ? error.message : String(error);
  }
};
