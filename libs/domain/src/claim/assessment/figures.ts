import type { ReportStance } from '@claims/contracts';
import type { ClaimReport, OnRecordClaim } from '../claim.state';

export interface ReportedFigure {
  reportId: string;
  sourceId: string;
  stance: ReportStance;
  low?: number;
  best?: number;
  high?: number;
  /** The interval the figure stands for; `upper` null means open-ended ("1,500+"). */
  lower: number;
  upper: number | null;
}

export interface FigureSummary {
  counted?: string;
  unit?: string;
  /** Lowest and highest value any active report gives; `high` null when some report is open-ended. */
  low: number | null;
  high: number | null;
  /** Some two reported intervals do not overlap. */
  conflicting: boolean;
  values: ReportedFigure[];
}

type FigureInterval = { lower: number; upper: number | null };

const intervalOf = (figure: { low?: number; best?: number; high?: number }): FigureInterval => ({
  lower: figure.low ?? figure.best ?? 0,
  // "At least 1,500" has no upper bound; a lone best or high closes the interval.
  upper: figure.high ?? (figure.low !== undefined ? null : (figure.best ?? null)),
});

/**
 * The figures the active reports give, as intervals, and whether they conflict (docs/assessment.md §5).
 * `null` for a claim without a quantity whose reports give none. Figures never move the confidence.
 */
export const figuresOf = (claim: OnRecordClaim, active: readonly ClaimReport[]): FigureSummary | null => {
  const values: ReportedFigure[] = active.flatMap((report) =>
    report.figure
      ? [
          Object.assign(
            { reportId: report.reportId, sourceId: report.sourceId, stance: report.stance },
            report.figure,
            intervalOf(report.figure),
          ),
        ]
      : [],
  );
  if (!claim.quantity && values.length === 0) return null;
  const uppers = values.map((value) => value.upper ?? Number.POSITIVE_INFINITY);
  const lowers = values.map((value) => value.lower);
  const high = values.length === 0 ? null : Math.max(...uppers);
  const summary: Partial<FigureSummary> = {};
  if (claim.quantity) summary.counted = claim.quantity.counted;
  if (claim.quantity?.unit) summary.unit = claim.quantity.unit;
  summary.low = values.length === 0 ? null : Math.min(...lowers);
  summary.high = high === null || high === Number.POSITIVE_INFINITY ? null : high;
  summary.conflicting = values.length > 1 && Math.max(...lowers) > Math.min(...uppers);
  summary.values = values;
  return summary as FigureSummary;
};
