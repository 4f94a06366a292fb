import { occurrenceSpanOf } from './occurrence-window';

describe('the window a claimed date spans at its precision', () => {
  it.each([
    [{ start: '2023-10-20', precision: 'day' as const }, '2023-10-20', '2023-10-20'],
    [{ start: '2023-10-25', end: '2023-10-27', precision: 'day' as const }, '2023-10-25', '2023-10-27'],
    // ISO weeks run Monday to Sunday; 20 October 2023 is a Friday, 1 January 2023 a Sunday.
    [{ start: '2023-10-20', precision: 'week' as const }, '2023-10-16', '2023-10-22'],
    [{ start: '2023-10-16', precision: 'week' as const }, '2023-10-16', '2023-10-22'],
    [{ start: '2023-01-01', precision: 'week' as const }, '2022-12-26', '2023-01-01'],
    [{ start: '2023-10-01', precision: 'month' as const }, '2023-10-01', '2023-10-31'],
    [{ start: '2024-02-10', precision: 'month' as const }, '2024-02-01', '2024-02-29'],
    [{ start: '2023-11-15', end: '2024-01-03', precision: 'month' as const }, '2023-11-01', '2024-01-31'],
    [{ start: '2019-01-01', end: '2021-12-31', precision: 'year' as const }, '2019-01-01', '2021-12-31'],
    [{ start: '2022-06-30', precision: 'year' as const }, '2022-01-01', '2022-12-31'],
    [{ start: '9999-12-31', precision: 'year' as const }, '9999-01-01', '9999-12-31'],
  ])('%j spans %s..%s', (occurred, from, to) => {
    expect(occurrenceSpanOf(occurred)).toEqual({ from, to });
  });
});
