// Stream naming lives in @claims/contracts (the stored-event check needs it too); re-exported for the
// projections' users.
export { claimStreamId, parseStreamId, sourceStreamId, STREAM_PREFIXES, type StreamKind, workStreamId } from '@claims/contracts';
