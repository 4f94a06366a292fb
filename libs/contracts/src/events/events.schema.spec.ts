import { ZodError } from 'zod';
import { ClaimEvent, type ClaimEventType } from './claim-events.schema';
import { Figure } from './primitives.schema';
import { createEventReader, readClaimEvent, readSourceEvent, UnsupportedEventSchemaVersion } from './event-versioning';
import { SourceEvent } from './source-events.schema';
import { problemWithStoredEvent } from './stored-event-check';

const recorded = { recordedAt: '2023-11-03T09:00:00Z', recordedBy: 'editor-amina' };
const evidence = {
  type: 'ClaimEvidenceAttached',
  data: {
    claimId: 'claim-1',
    evidenceId: 'ev-1',
    url: 'https://archive.example.org/al-naba.pdf',
    sha256: 'ab'.repeat(32),
    mediaType: 'application/pdf',
    ...recorded,
  },
};

describe('event schemas', () => {
  it('accept a valid event and strip store metadata from the envelope', () => {
    expect(ClaimEvent.parse({ ...evidence, metadata: { streamPosition: 3n } })).toEqual(evidence);
  });

  it('reject unknown fields in event data', () => {
    expect(ClaimEvent.safeParse({ ...evidence, data: { ...evidence.data, extra: 1 } }).success).toBe(false);
  });

  it('reject an unknown event type', () => {
    expect(ClaimEvent.safeParse({ ...evidence, type: 'ClaimDeleted' }).success).toBe(false);
  });

  it.each([
    ['an upper-case digest', { sha256: 'AB'.repeat(32) }],
    ['a non-http url', { url: 'ftp://archive.example.org/x' }],
    ['a timestamp without offset', { recordedAt: '2023-11-03T09:00:00' }],
    ['an id with spaces', { claimId: 'claim 1' }],
  ])('reject %s', (_label, patch) => {
    expect(ClaimEvent.safeParse({ ...evidence, data: { ...evidence.data, ...patch } }).success).toBe(false);
  });

  it.each([
    [{ best: 415 }, true],
    [{ low: 1500 }, true],
    [{ low: 400, best: 420, high: 450 }, true],
    [{}, false],
    [{ low: 500, high: 400 }, false],
    [{ best: -1 }, false],
  ])('validate figure %j as %s', (figure, valid) => {
    expect(Figure.safeParse(figure).success).toBe(valid);
  });

  it('accept only the Admiralty grades A to F', () => {
    const registered = {
      type: 'SourceRegistered',
      data: { sourceId: 'src-1', name: 'al-Naba', kind: 'armed_group_media', reliability: 'F', ...recorded },
    };
    expect(SourceEvent.safeParse(registered).success).toBe(true);
    expect(SourceEvent.safeParse({ ...registered, data: { ...registered.data, reliability: 'G' } }).success).toBe(false);
  });
});

describe('reading stored events', () => {
  it('reads a v1 event with or without an explicit version', () => {
    expect(readClaimEvent({ type: evidence.type, data: evidence.data })).toEqual(evidence);
    expect(readClaimEvent({ type: evidence.type, data: evidence.data, schemaVersion: 1 })).toEqual(evidence);
  });

  it('refuses a version newer than the code', () => {
    expect(() => readSourceEvent({ type: 'SourceRegistered', data: {}, schemaVersion: 2 })).toThrow(
      UnsupportedEventSchemaVersion,
    );
  });

  it('refuses invalid data', () => {
    expect(() => readClaimEvent({ type: evidence.type, data: { ...evidence.data, sha256: 'x' } })).toThrow(ZodError);
  });

  it('upcasts an old version step by step before validating', () => {
    const read = createEventReader<ClaimEventType, ClaimEvent>(ClaimEvent, {
      ClaimEvidenceAttached: { 0: (data) => ({ ...(data as object), mediaType: 'application/pdf' }) },
    });
    const { mediaType: _mediaType, ...v0 } = evidence.data;
    expect(read({ type: evidence.type, data: v0, schemaVersion: 0 })).toEqual(evidence);
    expect(() => read({ type: 'ClaimMerged', data: {}, schemaVersion: 0 })).toThrow(UnsupportedEventSchemaVersion);
  });
});

describe('problemWithStoredEvent (what an import checks before writing)', () => {
  it('accepts a valid event of its stream kind', () => {
    expect(problemWithStoredEvent('claim-1', evidence)).toBeUndefined();
  });

  it('names the fields the schema refuses', () => {
    const problem = problemWithStoredEvent('claim-1', { ...evidence, data: { ...evidence.data, sha256: 'x', url: 'ftp://x' } });
    expect(problem).toMatch(/^not a valid ClaimEvidenceAttached event: /);
    expect(problem).toContain('data.sha256');
    expect(problem).toContain('data.url');
  });

  it('refuses an event of another stream kind, an unknown type, a future schema version and an unknown stream', () => {
    expect(problemWithStoredEvent('source-1', evidence)).toMatch(/not a valid ClaimEvidenceAttached event/);
    expect(problemWithStoredEvent('claim-1', { ...evidence, type: 'ClaimDeleted' })).toMatch(/not a valid ClaimDeleted event/);
    expect(problemWithStoredEvent('claim-1', { ...evidence, schemaVersion: 9 })).toMatch(/No way to read ClaimEvidenceAttached schema v9/);
    expect(problemWithStoredEvent('ledger-1', evidence)).toMatch(/no stream of this application is named like "ledger-1"/);
  });
});
