import { databaseFailureOf } from './database-failure';

const withCode = (code: string, message = 'failed'): Error => Object.assign(new Error(message), { code });

describe('databaseFailureOf', () => {
  it('calls a lost or refused connection, a restarting server and a full server unavailable', () => {
    for (const code of ['08006', '08003', '08001', '57P01', '57P02', '57P03', '53300', 'ECONNREFUSED', 'ECONNRESET']) {
      expect({ code, failure: databaseFailureOf(withCode(code)) }).toEqual({ code, failure: 'unavailable' });
    }
    expect(databaseFailureOf(new Error('Connection terminated unexpectedly'))).toBe('unavailable');
    expect(databaseFailureOf(new Error('timeout exceeded when trying to connect'))).toBe('unavailable');
  });

  it('calls a serialization failure and a deadlock a conflict', () => {
    expect(databaseFailureOf(withCode('40001'))).toBe('conflict');
    expect(databaseFailureOf(withCode('40P01'))).toBe('conflict');
  });

  it('leaves every other error to be a fault of ours', () => {
    for (const error of [withCode('23505'), withCode('42P01'), withCode('22P02'), withCode('57014'), new Error('boom'), 'a string', undefined]) {
      expect(databaseFailureOf(error)).toBeUndefined();
    }
  });
});
