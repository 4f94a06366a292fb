import type { DatePrecision, OccurrenceWindow } from '@claims/contracts';

/** The days a claimed event's time may fall on, inclusive, as `YYYY-MM-DD`. */
export interface OccurrenceSpan {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const isoDate = (time: number): string => new Date(time).toISOString().slice(0, 10);

/** The first day of the precision's unit holding `date`: the day itself, its ISO week's Monday, the 1st, 1 January. */
const unitStart = (date: string, precision: DatePrecision): number => {
  const time = Date.parse(`${date}T00:00:00Z`);
  const day = new Date(time);
  switch (precision) {
    case 'day':
      return time;
    case 'week':
      return time - ((day.getUTCDay() + 6) % 7) * DAY_MS;
    case 'month':
      return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), 1);
    case 'year':
      return Date.UTC(day.getUTCFullYear(), 0, 1);
  }
};

/** The last day of the precision's unit holding `date`. */
const unitEnd = (date: string, precision: DatePrecision): number => {
  const start = new Date(unitStart(date, precision));
  switch (precision) {
    case 'day':
      return start.getTime();
    case 'week':
      return start.getTime() + 6 * DAY_MS;
    case 'month':
      return Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1) - DAY_MS;
    case 'year':
      return Date.UTC(start.getUTCFullYear() + 1, 0, 1) - DAY_MS;
  }
};

/**
 * The window the recorded time spans once its precision is taken into account: a `month` claim dated
 * 2023-10-01 spans 1–31 October, a `week` one the ISO week (Monday to Sunday) holding its dates, a `year`
 * one the whole year; `end` (when given) widens to the end of its own unit. Pure, and the same rule as
 * {@link OCCURRENCE_SPAN_SQL}, which the list filter runs in the database.
 */
export const occurrenceSpanOf = ({ start, end, precision }: OccurrenceWindow): OccurrenceSpan => ({
  from: isoDate(unitStart(start, precision)),
  to: isoDate(unitEnd(end ?? start, precision)),
});

/**
 * The same window in SQL over `claim_view` (`occurred_start`, `occurred_end` and the precision kept in the
 * claim document): PostgreSQL's `date_trunc('week')` starts the ISO week on Monday, like the rule above.
 */
export const OCCURRENCE_SPAN_SQL = {
  from: `date_trunc(claim->'occurred'->>'precision', occurred_start::timestamp)::date`,
  to: `(date_trunc(claim->'occurred'->>'precision', occurred_end::timestamp) + ('1 ' || (claim->'occurred'->>'precision'))::interval - interval '1 day')::date`,
};

/**
 * A widening never exceeds a year on either side: a bound the index on (occurred_start, occurred_end)
 * can use before the exact, precision-aware test.
 */
export const MAX_WIDENING_DAYS = 366;
