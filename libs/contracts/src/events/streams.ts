/**
 * Stream naming, in one place: every stream of this application is `<prefix><id>`, one per source, claim and
 * API key. The prefixes are what readers of the log filter on (a rebuild reads the `claim-` streams, say), so
 * none may be the beginning of another.
 */
export const STREAM_PREFIXES = Object.freeze({
  claim: 'claim-',
  source: 'source-',
  apiKey: 'api-key-',
  /** A webhook endpoint (its URL, filter, pauses and rotations; never its secret). */
  webhook: 'webhook-',
  /** A claim's desk workflow (assignment, work state, checklist, comments), beside its claim stream. */
  work: 'work-',
} as const);

export type StreamKind = keyof typeof STREAM_PREFIXES;

export const claimStreamId = (claimId: string): string => `${STREAM_PREFIXES.claim}${claimId}`;
export const sourceStreamId = (sourceId: string): string => `${STREAM_PREFIXES.source}${sourceId}`;
export const apiKeyStreamId = (keyId: string): string => `${STREAM_PREFIXES.apiKey}${keyId}`;
export const webhookStreamId = (webhookId: string): string => `${STREAM_PREFIXES.webhook}${webhookId}`;
export const workStreamId = (claimId: string): string => `${STREAM_PREFIXES.work}${claimId}`;

const KINDS = Object.keys(STREAM_PREFIXES) as StreamKind[];

/** The kind of a stream, or undefined for a stream no part of this application writes. */
export const streamKindOf = (streamId: string): StreamKind | undefined => KINDS.find((kind) => streamId.startsWith(STREAM_PREFIXES[kind]) && streamId.length > STREAM_PREFIXES[kind].length);

/** A stream's kind and the id of its entity (`claim-42` → `{ kind: 'claim', id: '42' }`), or undefined. */
export const parseStreamId = (streamId: string): { kind: StreamKind; id: string } | undefined => {
  const kind = streamKindOf(streamId);
  return kind ? { kind, id: streamId.slice(STREAM_PREFIXES[kind].length) } : undefined;
};
