import { problemWithStoredEvent } from './stored-event-check';

const evidence = {
  type: 'ClaimEvidenceAttached',
  data: {
    claimId: 'claim-1',
    evidenceId: 'ev-1',
    url: 'https://archive.example.org/al-naba.pdf',
    sha256: 'ab'.repeat(32),
    mediaType: 'application/pdf',
    recordedAt: '2023-11-03T09:00:00Z',
    recordedBy: 'editor-amina',
  },
};

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
