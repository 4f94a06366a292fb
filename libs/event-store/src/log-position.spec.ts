import { compareLogPositions, formatLogPosition, parseLogPosition } from './log-position';

describe('log positions', () => {
  it('parses what formatLogPosition makes, up to the largest xid8 and the largest safe position', () => {
    const largest = { transactionId: '18446744073709551615', globalPosition: Number.MAX_SAFE_INTEGER };
    expect(parseLogPosition(formatLogPosition(largest))).toEqual(largest);
    expect(parseLogPosition('0-0')).toEqual({ transactionId: '0', globalPosition: 0 });
    expect(parseLogPosition('007-12')).toEqual({ transactionId: '7', globalPosition: 12 });
  });

  it('refuses a transaction id past 2^64-1 instead of letting PostgreSQL clamp it', () => {
    expect(parseLogPosition('18446744073709551616-1')).toBeUndefined();
    expect(parseLogPosition('99999999999999999999-1')).toBeUndefined();
  });

  it('refuses a global position past 2^53-1, and anything that is not two decimal parts', () => {
    expect(parseLogPosition('1-9007199254740992')).toBeUndefined();
    for (const cursor of ['', '1', '-1-1', '1-', 'a-1', '1-1-1', ' 1-1', '1.0-1']) expect(parseLogPosition(cursor)).toBeUndefined();
  });

  it('orders by transaction id as a 64-bit number, then by position', () => {
    expect(compareLogPositions({ transactionId: '9007199254740993', globalPosition: 1 }, { transactionId: '9007199254740992', globalPosition: 5 })).toBeGreaterThan(0);
    expect(compareLogPositions({ transactionId: '5', globalPosition: 1 }, { transactionId: '5', globalPosition: 2 })).toBeLessThan(0);
    expect(compareLogPositions({ transactionId: '5', globalPosition: 2 }, { transactionId: '5', globalPosition: 2 })).toBe(0);
  });
});
