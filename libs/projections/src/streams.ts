/** Stream naming: one stream per source and per claim, `<kind>-<id>`. */
export const sourceStreamId = (sourceId: string): string => `source-${sourceId}`;
export const claimStreamId = (claimId: string): string => `claim-${claimId}`;

/** The entity a stream belongs to, or undefined for streams of other kinds. */
export const parseStreamId = (streamId: string): { kind: 'source' | 'claim'; id: string } | undefined => {
  const match = /^(source|claim)-(.+)$/.exec(streamId);
  return match ? { kind: match[1] as 'source' | 'claim', id: match[2] } : undefined;
};
