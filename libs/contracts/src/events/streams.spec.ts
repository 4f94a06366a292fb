import { apiKeyStreamId, claimStreamId, parseStreamId, sourceStreamId, STREAM_PREFIXES, streamKindOf } from './streams';

describe('stream naming', () => {
  it('names one stream per claim, source and API key, and reads the kind and id back', () => {
    expect([claimStreamId('42'), sourceStreamId('7'), apiKeyStreamId('k-1')]).toEqual(['claim-42', 'source-7', 'api-key-k-1']);
    expect([parseStreamId('claim-42'), parseStreamId('source-7'), parseStreamId('api-key-k-1')]).toEqual([
      { kind: 'claim', id: '42' },
      { kind: 'source', id: '7' },
      { kind: 'apiKey', id: 'k-1' },
    ]);
  });

  it('knows no other stream, nor a prefix without an id', () => {
    expect(['tally-1', 'claim-', 'claims-1', 'api-1', 'Claim-1', ''].map(streamKindOf)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('has no prefix that begins another, so a prefix filter selects one kind', () => {
    const prefixes = Object.values(STREAM_PREFIXES);
    expect(prefixes.flatMap((a) => prefixes.filter((b) => a !== b && b.startsWith(a)))).toEqual([]);
  });
});
