import { ZodError } from 'zod';
import { readApiKeyEvent } from './api-key-events.schema';
import { readClaimEvent, readSourceEvent, type StoredEvent } from './event-versioning';
import { STREAM_PREFIXES, streamKindOf, type StreamKind } from './streams';
import { readWebhookEvent } from './webhook-events.schema';
import { readWorkEvent } from './work-events.schema';

/** The reader of each stream kind's events. */
const READERS: Readonly<Record<StreamKind, (stored: StoredEvent) => unknown>> = {
  claim: readClaimEvent,
  source: readSourceEvent,
  apiKey: readApiKeyEvent,
  webhook: readWebhookEvent,
  work: readWorkEvent,
};

/**
 * Why a stored event is not one this application can read (undefined when it is): an unknown stream kind,
 * an unknown type, a schema version nothing upcasts, or data its schema refuses (the first few fields named).
 * What an import checks for every event before it writes any.
 */
export const problemWithStoredEvent = (streamId: string, stored: StoredEvent): string | undefined => {
  const kind = streamKindOf(streamId);
  if (!kind) return `no stream of this application is named like "${streamId}" (expected ${Object.values(STREAM_PREFIXES).map((prefix) => `${prefix}<id>`).join(', ')})`;
  const read = READERS[kind];
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
