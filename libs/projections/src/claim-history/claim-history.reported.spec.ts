import type { ClaimEvent, ReportDetails, SourceEvent, SourceReliability } from '@claims/contracts';
import {
  assessClaim,
  claimDecider,
  CURRENT_ASSESSMENT_MODEL,
  foldEvents,
  sourceDecider,
  toSourceSnapshot,
  type OnRecordClaim,
  type SourceState,
} from '@claims/domain';
import type { RecordedEvent } from '@claims/event-store';
import fc from 'fast-check';
import { claimStreamId, sourceStreamId } from '../streams';
import { replayClaimHistory, reportingTimesOf } from './claim-history';

// The reporting clock (`asReportedOn`, `order: 'reported'`) is a filter and an order over the same fold
// as `asOf`: these properties compare it with assessing the prefix of reports directly.

const SOURCES = ['s0', 's1', 's2', 's3', 's4'];
const CLAIM_ID = 'claim-reported-clock';
const recorded = (minute: number) => ({ recordedAt: `2024-01-15T10:${String(minute).padStart(2, '0')}:00.000Z`, recordedBy: 'property' });

const gradeArb = fc.constantFrom<SourceReliability>('A', 'B', 'C', 'D', 'E', 'F');
const scenarioArb = fc.record({
  grades: fc.array(gradeArb, { minLength: SOURCES.length, maxLength: SOURCES.length }),
  affiliations: fc.array(fc.option(fc.constantFrom('Islamic State', 'JNIM', 'France'), { nil: undefined }), { minLength: SOURCES.length, maxLength: SOURCES.length }),
  /** One report per source; the first asserts the claim. Days after 1 October 2023, hours of the day. */
  reports: fc.uniqueArray(
    fc.record({
      source: fc.nat(SOURCES.length - 1),
      disputes: fc.boolean(),
      relays: fc.option(fc.nat(SOURCES.length - 1), { nil: undefined }),
      day: fc.nat(30),
      hour: fc.nat(23),
      retracted: fc.boolean(),
    }),
    { selector: (report) => report.source, minLength: 1, maxLength: SOURCES.length },
  ),
  /** A re-grade recorded between the claim's events, so the catalogue moves during the replay. */
  regrade: fc.record({ source: fc.nat(SOURCES.length - 1), grade: gradeArb, after: fc.nat(SOURCES.length) }),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

const publishedAt = (day: number, hour: number) => new Date(Date.UTC(2023, 9, 1 + day, hour)).toISOString();

/** The scenario as stored events, in log order: sources, then the claim's reports with the re-grade among them, then retractions. */
const eventsOf = (scenario: Scenario) => {
  let position = 0;
  const stored = (streamId: string, streamVersion: number, event: ClaimEvent | SourceEvent): RecordedEvent => {
    position += 1;
    return {
      eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
      streamId,
      streamVersion,
      globalPosition: position,
      transactionId: String(1000 + position),
      type: event.type,
      schemaVersion: 1,
      data: event.data as unknown as Record<string, unknown>,
      metadata: {},
      recordedAt: new Date(Date.UTC(2024, 0, 15, 10, position)),
      hash: '00',
    };
  };
  const sourceEvents: RecordedEvent[] = [];
  const domainSourceEvents = new Map<string, SourceEvent[]>();
  const addSourceEvent = (sourceId: string, event: SourceEvent) => {
    const list = domainSourceEvents.get(sourceId) ?? [];
    list.push(event);
    domainSourceEvents.set(sourceId, list);
    sourceEvents.push(stored(sourceStreamId(sourceId), list.length, event));
  };
  SOURCES.forEach((sourceId, index) =>
    addSourceEvent(sourceId, {
      type: 'SourceRegistered',
      data: {
        sourceId,
        name: `Source ${sourceId}`,
        kind: 'other',
        reliability: scenario.grades[index],
        ...(scenario.affiliations[index] ? { affiliation: scenario.affiliations[index] } : {}),
        ...recorded(index),
      },
    }),
  );
  const details: ReportDetails[] = scenario.reports.map((spec, index) => ({
    reportId: `r${index}`,
    sourceId: SOURCES[spec.source],
    publishedAt: publishedAt(spec.day, spec.hour),
    ...(spec.relays !== undefined && spec.relays !== spec.source ? { relaysSourceId: SOURCES[spec.relays] } : {}),
  }));
  const claimEvents: RecordedEvent[] = [];
  const domainClaimEvents: ClaimEvent[] = [];
  const addClaimEvent = (event: ClaimEvent) => {
    domainClaimEvents.push(event);
    claimEvents.push(stored(claimStreamId(CLAIM_ID), domainClaimEvents.length, event));
  };
  const regrade = () => {
    const sourceId = SOURCES[scenario.regrade.source];
    addSourceEvent(sourceId, {
      type: 'SourceReliabilityRegraded',
      data: { sourceId, previousReliability: scenario.grades[scenario.regrade.source], reliability: scenario.regrade.grade, reason: 'regraded', ...recorded(30) },
    });
  };
  details.forEach((report, index) => {
    if (scenario.regrade.after === index) regrade();
    const at = recorded(20 + index);
    if (index === 0) {
      addClaimEvent({
        type: 'ClaimAsserted',
        data: {
          claimId: CLAIM_ID,
          statement: 'ISGS executed JNIM members near Kalamba',
          category: 'execution',
          actors: [{ name: 'ISGS', role: 'perpetrator', affiliation: 'Islamic State' }],
          location: { placeName: 'Kalamba', country: 'Burkina Faso', precision: 'locality' },
          occurred: { start: '2023-10-20', precision: 'day' },
          report,
          ...at,
        },
      });
    } else if (scenario.reports[index].disputes) {
      addClaimEvent({ type: 'ClaimDisputed', data: { claimId: CLAIM_ID, report, reason: 'contradicts', ...at } });
    } else {
      addClaimEvent({ type: 'ClaimCorroborated', data: { claimId: CLAIM_ID, report, ...at } });
    }
  });
  if (scenario.regrade.after >= details.length) regrade();
  details.forEach((report, index) => {
    if (scenario.reports[index].retracted) {
      addClaimEvent({ type: 'ClaimReportRetracted', data: { claimId: CLAIM_ID, reportId: report.reportId, sourceId: report.sourceId, reason: 'withdrawn', ...recorded(40 + index) } });
    }
  });
  // The catalogue the log holds at the end, folded by the source decider alone.
  const finalSources = new Map<string, SourceState>(
    [...domainSourceEvents].map(([sourceId, events]) => [sourceId, foldEvents(sourceDecider, events)]),
  );
  const catalogue = {
    get: (sourceId: string) => {
      const source = finalSources.get(sourceId);
      return source?.status === 'registered' ? toSourceSnapshot(source) : undefined;
    },
  };
  return { claimEvents, sourceEvents, details, domainClaimEvents, catalogue };
};

/** The claim's events whose report was published by `time` (a report never before the assertion's): the prefix of reports. */
const reportPrefix = (domainClaimEvents: readonly ClaimEvent[], details: readonly ReportDetails[], time: number): ClaimEvent[] => {
  const assertedAt = Date.parse(details[0].publishedAt);
  return domainClaimEvents.filter((event) => 'report' in event.data && Math.max(assertedAt, Date.parse(event.data.report.publishedAt)) <= time);
};

describe('the reporting clock', () => {
  it('asReportedOn at each report\'s publication assesses exactly the reports published by then, with the grades the log holds', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { claimEvents, sourceEvents, details, domainClaimEvents, catalogue } = eventsOf(scenario);
        const assertedAt = Date.parse(details[0].publishedAt);
        expect(replayClaimHistory(claimEvents, sourceEvents, { asReportedOn: new Date(assertedAt - 1) })).toEqual([]);
        for (const report of details) {
          const time = Math.max(assertedAt, Date.parse(report.publishedAt));
          const prefix = reportPrefix(domainClaimEvents, details, time);
          const expected = assessClaim(foldEvents(claimDecider, prefix) as OnRecordClaim, catalogue, CURRENT_ASSESSMENT_MODEL);
          const last = replayClaimHistory(claimEvents, sourceEvents, { asReportedOn: new Date(time) }).at(-1);
          expect(last?.view.claim.reports.map((counted) => counted.reportId).sort()).toEqual(
            prefix.map((event) => ('report' in event.data ? event.data.report.reportId : '')).sort(),
          );
          expect(last?.view.assessment).toEqual(expected);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('order=reported lists the same entries by reporting time, each assessed as asReportedOn its time', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { claimEvents, sourceEvents } = eventsOf(scenario);
        const inLogOrder = replayClaimHistory(claimEvents, sourceEvents);
        const reported = replayClaimHistory(claimEvents, sourceEvents, {}, CURRENT_ASSESSMENT_MODEL, 'reported');
        expect(reported.map((step) => step.eventId).sort()).toEqual(inLogOrder.map((step) => step.eventId).sort());
        const times = reported.map((step) => step.reportedAt.getTime());
        expect(times).toEqual([...times].sort((a, b) => a - b));
        expect(reported[0].type).toBe('ClaimAsserted');
        // The last entry of each instant is the claim as reported by then.
        reported.forEach((step, index) => {
          if (step.kind !== 'claim_event' || reported[index + 1]?.reportedAt.getTime() === step.reportedAt.getTime()) return;
          const asReported = replayClaimHistory(claimEvents, sourceEvents, { asReportedOn: step.reportedAt }).at(-1);
          expect(step.view.assessment.confidence).toBeCloseTo(asReported!.view.assessment.confidence, 12);
          expect(step.view.assessment.computedStatus).toBe(asReported!.view.assessment.computedStatus);
          expect(step.view.assessment.credibilityRating).toBe(asReported!.view.assessment.credibilityRating);
          expect(step.view.claim.reports.map((report) => report.reportId).sort()).toEqual(asReported!.view.claim.reports.map((report) => report.reportId).sort());
        });
      }),
      { numRuns: 150 },
    );
  });

  it('counts retractions and other unpublished events by recording time, never before the report they name', () => {
    const { claimEvents } = eventsOf({
      grades: ['B', 'B', 'B', 'B', 'B'],
      affiliations: [undefined, undefined, undefined, undefined, undefined],
      reports: [
        { source: 0, disputes: false, relays: undefined, day: 5, hour: 0, retracted: false },
        { source: 1, disputes: false, relays: undefined, day: 1, hour: 0, retracted: true },
      ],
      regrade: { source: 0, grade: 'C', after: 5 },
    });
    const times = reportingTimesOf(claimEvents);
    const [asserted, earlier, retraction] = claimEvents;
    // Published on 2 October but logged on a claim asserted by a report of 6 October: counts from the 6th.
    expect(new Date(times.get(earlier.eventId)!).toISOString()).toBe(new Date(times.get(asserted.eventId)!).toISOString());
    expect(times.get(retraction.eventId)).toBe(retraction.recordedAt.getTime());
  });
});
