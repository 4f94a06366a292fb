import { FailedAuthenticationLimiter } from './failed-authentication-limiter';

describe('FailedAuthenticationLimiter', () => {
  let now = 0;
  const limiter = () => new FailedAuthenticationLimiter(6, () => now);

  beforeEach(() => {
    now = 0;
  });

  it('blocks an address after its budget of failures, until a failure is earned back (60 s / budget)', () => {
    const failures = limiter();
    for (let attempt = 0; attempt < 6; attempt++) {
      expect(failures.blocked('10.0.0.1')).toBeUndefined();
      failures.recordFailure('10.0.0.1');
    }
    expect(failures.blocked('10.0.0.1')).toEqual({ retryAfterSeconds: 10 });
    now += 9_000;
    expect(failures.blocked('10.0.0.1')).toEqual({ retryAfterSeconds: 1 });
    now += 1_000;
    expect(failures.blocked('10.0.0.1')).toBeUndefined();
  });

  it('keeps each address to its own budget, and asking does not spend it', () => {
    const failures = limiter();
    for (let attempt = 0; attempt < 6; attempt++) failures.recordFailure('10.0.0.1');
    for (let attempt = 0; attempt < 100; attempt++) expect(failures.blocked('10.0.0.2')).toBeUndefined();
    expect(failures.blocked('10.0.0.1')).toEqual({ retryAfterSeconds: 10 });
  });
});
