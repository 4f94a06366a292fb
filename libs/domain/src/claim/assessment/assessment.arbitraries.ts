import type { ClaimEvent, ReportDetails, ReportStance, SourceReliability } from '@claims/contracts';
import fc from 'fast-check';
import { foldEvents } from '../../shared/decider';
import { claimDecider } from '../claim.decider';
import type { OnRecordClaim } from '../claim.state';

// Spec support for the assessment's property tests (*.properties.spec.ts): random source catalogues and
// report sets, and the claim events they stand for.

export const SOURCE_COUNT = 6;
export const sourceId = (index: number) => `s${index}`;
/** The parties to the asserted event (its perpetrator's and its target's affiliations). */
export const PARTIES = ['Islamic State', 'JNIM'];
const recorded = { recordedAt: '2024-01-15T10:00:00Z', recordedBy: 'property' };

/** One report of a random set: from catalogue source `source`, perhaps relaying source `relays`. */
export interface ReportSpec {
  source: number;
  stance: ReportStance;
  relays: number | undefined;
  selfInterested: boolean | undefined;
  retracted: boolean;
}

export const gradeArb = fc.constantFrom<SourceReliability>('A', 'B', 'C', 'D', 'E', 'F');
export const snapshotArb = (id: string, reliability = gradeArb) =>
  fc.record({
    sourceId: fc.constant(id),
    name: fc.constant(`Source ${id}`),
    kind: fc.constant('other' as const),
    reliability,
    affiliation: fc.option(fc.constantFrom(...PARTIES, 'France'), { nil: undefined }),
    originGroup: fc.option(fc.constantFrom('Group one', 'Group two'), { nil: undefined }),
  });
/** Snapshots of the catalogue's sources `s0` … `s5`. */
export const catalogueArb = fc.tuple(...Array.from({ length: SOURCE_COUNT }, (_, index) => snapshotArb(sourceId(index))));

/** One report per source (the decider's rule), the first one asserting the claim. */
export const reportSpecsArb = fc
  .uniqueArray(
    fc.record({
      source: fc.nat(SOURCE_COUNT - 1),
      stance: fc.constantFrom<ReportStance>('supports', 'disputes'),
      relays: fc.option(fc.nat(SOURCE_COUNT - 1), { nil: undefined }),
      selfInterested: fc.option(fc.boolean(), { nil: undefined }),
      retracted: fc.boolean(),
    }),
    { selector: (spec) => spec.source, minLength: 1, maxLength: SOURCE_COUNT },
  )
  .map((specs) => specs.map((spec, index) => (index === 0 ? { ...spec, stance: 'supports' as const } : spec)));

/** A report's details; a report relaying its own source relays nothing. */
export const reportDetails = (reportId: string, source: string, relays: string | undefined, selfInterested: boolean | undefined): ReportDetails => ({
  reportId,
  sourceId: source,
  publishedAt: '2023-11-03T08:00:00Z',
  ...(relays !== undefined && relays !== source ? { relaysSourceId: relays } : {}),
  ...(selfInterested !== undefined ? { selfInterested } : {}),
});

/** The events of claim `claimId`: a report added, a report retracted, and the events for a report set. */
export const claimEventsFor = (claimId: string) => {
  const reportAdded = (report: ReportDetails, stance: ReportStance): ClaimEvent =>
    stance === 'supports'
      ? { type: 'ClaimCorroborated', data: { claimId, report, ...recorded } }
      : { type: 'ClaimDisputed', data: { claimId, report, reason: 'contradicts', ...recorded } };

  const reportRetracted = (report: ReportDetails): ClaimEvent => ({
    type: 'ClaimReportRetracted',
    data: { claimId, reportId: report.reportId, sourceId: report.sourceId, reason: 'withdrawn', ...recorded },
  });

  /** Events for the specs: assertion, further reports, then the retractions. */
  const eventsOf = (specs: readonly ReportSpec[]): { asserted: ClaimEvent; additions: ClaimEvent[]; retractions: ClaimEvent[] } => {
    const reports = specs.map((spec, index) =>
      reportDetails(`r${index}`, sourceId(spec.source), spec.relays === undefined ? undefined : sourceId(spec.relays), spec.selfInterested),
    );
    return {
      asserted: {
        type: 'ClaimAsserted',
        data: {
          claimId,
          statement: 'ISGS attacked JNIM positions',
          category: 'attack',
          actors: [
            { name: 'ISGS', role: 'perpetrator', affiliation: 'Islamic State' },
            { name: 'JNIM', role: 'target' },
          ],
          location: { placeName: 'Kalamba', country: 'Burkina Faso', precision: 'locality' },
          occurred: { start: '2023-10-20', precision: 'day' },
          report: reports[0],
          ...recorded,
        },
      },
      additions: reports.slice(1).map((report, index) => reportAdded(report, specs[index + 1].stance)),
      retractions: reports.filter((_, index) => specs[index].retracted).map(reportRetracted),
    };
  };

  /** All the specs' events in order: assertion, further reports, retractions. */
  const allEvents = (specs: readonly ReportSpec[]): ClaimEvent[] => {
    const { asserted, additions, retractions } = eventsOf(specs);
    return [asserted, ...additions, ...retractions];
  };

  return { reportAdded, reportRetracted, eventsOf, allEvents };
};

/** The claim the events make (the property tests' events always open one). */
export const claimOf = (events: readonly ClaimEvent[]) => foldEvents(claimDecider, events) as OnRecordClaim;
