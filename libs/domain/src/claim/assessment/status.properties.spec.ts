import type { ClaimEvent, ClaimStatus, ReportDetails, ReportStance, SourceReliability } from '@claims/contracts';
import fc from 'fast-check';
import { foldEvents } from '../../shared/decider';
import { sourceCatalogueOf, type SourceCatalogue, type SourceSnapshot } from '../../source/source-catalogue';
import { claimDecider } from '../claim.decider';
import { isActive, type OnRecordClaim } from '../claim.state';
import { assessClaim } from './assess-claim';
import type { ClaimAssessment } from './claim-assessment';
import { ASSESSMENT_MODEL_V2 as V2 } from './models';

// Random catalogues and report sets, as in assess-claim.properties.spec.ts, and reports from fresh,
// independent sources added on top: the v2 status partition's properties (docs/assessment.md §3).

const CLAIM_ID = 'claim-status-property';
const SOURCE_COUNT = 6;
const sourceId = (index: number) => `s${index}`;
const recorded = { recordedAt: '2024-01-15T10:00:00Z', recordedBy: 'property' };
const PARTIES = ['Islamic State', 'JNIM'];

const grade = fc.constantFrom<SourceReliability>('A', 'B', 'C', 'D', 'E', 'F');
const credibleGrade = fc.constantFrom<SourceReliability>('A', 'B', 'C');
const snapshotArb = (id: string, reliability = grade) =>
  fc.record({
    sourceId: fc.constant(id),
    name: fc.constant(`Source ${id}`),
    kind: fc.constant('other' as const),
    reliability,
    affiliation: fc.option(fc.constantFrom(...PARTIES, 'France'), { nil: undefined }),
    originGroup: fc.option(fc.constantFrom('Group one', 'Group two'), { nil: undefined }),
  });
const catalogueArb = fc.tuple(...Array.from({ length: SOURCE_COUNT }, (_, index) => snapshotArb(sourceId(index))));

interface ReportSpec {
  source: number;
  stance: ReportStance;
  relays: number | undefined;
  selfInterested: boolean | undefined;
  retracted: boolean;
}
const reportSpecsArb = fc
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

/** A report from a source outside the catalogue's first six: its own provenance cluster. */
interface FreshReport {
  snapshot: SourceSnapshot;
  stance: ReportStance;
  selfInterested: boolean | undefined;
}
const freshArb = (index: number, stance: fc.Arbitrary<ReportStance>, reliability = grade, selfInterested = fc.option(fc.boolean(), { nil: undefined })) =>
  fc.record({
    snapshot: snapshotArb(`fresh${index}`, reliability).map((snapshot) => ({ ...snapshot, originGroup: undefined })),
    stance,
    selfInterested,
  });
/** Credible and independent: a direct A–C report, no party to the event, not flagged self-interested. */
const credibleArb = (index: number, stance: ReportStance) =>
  freshArb(index, fc.constant(stance), credibleGrade, fc.constantFrom(undefined, false)).map((fresh) => ({
    ...fresh,
    snapshot: { ...fresh.snapshot, affiliation: undefined },
  }));

const details = (reportId: string, source: string, relays: string | undefined, selfInterested: boolean | undefined): ReportDetails => ({
  reportId,
  sourceId: source,
  publishedAt: '2023-11-03T08:00:00Z',
  ...(relays !== undefined && relays !== source ? { relaysSourceId: relays } : {}),
  ...(selfInterested !== undefined ? { selfInterested } : {}),
});
const added = (report: ReportDetails, stance: ReportStance): ClaimEvent =>
  stance === 'supports'
    ? { type: 'ClaimCorroborated', data: { claimId: CLAIM_ID, report, ...recorded } }
    : { type: 'ClaimDisputed', data: { claimId: CLAIM_ID, report, reason: 'contradicts', ...recorded } };

const baseEvents = (specs: readonly ReportSpec[]): ClaimEvent[] => {
  const reports = specs.map((spec, index) =>
    details(`r${index}`, sourceId(spec.source), spec.relays === undefined ? undefined : sourceId(spec.relays), spec.selfInterested),
  );
  return [
    {
      type: 'ClaimAsserted',
      data: {
        claimId: CLAIM_ID,
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
    ...reports.slice(1).map((report, index) => added(report, specs[index + 1].stance)),
    ...reports
      .filter((_, index) => specs[index].retracted)
      .map(
        (report): ClaimEvent => ({
          type: 'ClaimReportRetracted',
          data: { claimId: CLAIM_ID, reportId: report.reportId, sourceId: report.sourceId, reason: 'withdrawn', ...recorded },
        }),
      ),
  ];
};
const freshEvent = (fresh: FreshReport): ClaimEvent =>
  added(details(`r-${fresh.snapshot.sourceId}`, fresh.snapshot.sourceId, undefined, fresh.selfInterested), fresh.stance);

const catalogueOf = (snapshots: readonly SourceSnapshot[], fresh: readonly FreshReport[] = []): SourceCatalogue =>
  sourceCatalogueOf([...snapshots, ...fresh.map((entry) => entry.snapshot)]);
const claimOf = (events: readonly ClaimEvent[]) => foldEvents(claimDecider, events) as OnRecordClaim;
const assess = (events: readonly ClaimEvent[], catalogue: SourceCatalogue) => assessClaim(claimOf(events), catalogue, V2);

/**
 * The partition of docs/assessment.md §3.1, stated region by region (not first-match), from the clusters
 * the assessment reports: exactly one region may hold, and it must be the computed status.
 */
const regionsOf = (events: readonly ClaimEvent[], assessment: ClaimAssessment): ClaimStatus[] => {
  const R = assessment.clusters.reduce((total, cluster) => total + cluster.support, 0);
  const S = assessment.clusters.reduce((total, cluster) => total + cluster.dispute, 0);
  const ks = assessment.clusters.filter((cluster) => cluster.corroborates).length;
  const kd = assessment.clusters.filter((cluster) => cluster.disputesCredibly).length;
  const active = claimOf(events).reports.some((report) => isActive(report) && report.stance === 'supports');
  const { dominanceRatio: ratio, disputedMinEvidence, contestedMinConflict, corroboratingClustersRequired: needed } = V2;
  const disputeDominates = S >= ratio * R && S >= disputedMinEvidence;
  const balanced = R < ratio * S && S < ratio * R && assessment.conflict >= contestedMinConflict;
  const regions: Record<ClaimStatus, boolean> = {
    retracted: !active,
    disputed: active && disputeDominates,
    corroborated: active && !disputeDominates && ks >= needed && kd === 0 && R >= ratio * S,
    contested: active && !disputeDominates && ((ks >= 1 && kd >= 1) || (ks >= needed && R < ratio * S) || balanced),
    unverified: active && !disputeDominates && ks < needed && !(ks >= 1 && kd >= 1) && !balanced,
  };
  return (Object.keys(regions) as ClaimStatus[]).filter((status) => regions[status]);
};

/** What adding evidence of one stance may do to a status: support never moves a claim toward disputed, a dispute never toward corroborated. */
const allowedAfter = (stance: ReportStance, before: ClaimStatus): readonly ClaimStatus[] => {
  if (stance === 'supports') {
    if (before === 'corroborated') return ['corroborated'];
    if (before === 'retracted' || before === 'disputed') return ['disputed', 'contested', 'unverified', 'corroborated'];
    return ['contested', 'unverified', 'corroborated'];
  }
  if (before === 'disputed') return ['disputed'];
  if (before === 'contested') return ['contested', 'disputed'];
  if (before === 'corroborated') return ['corroborated', 'contested', 'disputed'];
  if (before === 'retracted') return ['retracted'];
  return ['unverified', 'contested', 'disputed'];
};

describe('v2 status properties', () => {
  it('credible independent support (2 clusters) and a credible independent dispute are contested or disputed, never unverified or corroborated', () =>
    fc.assert(
      fc.property(catalogueArb, reportSpecsArb, credibleArb(0, 'supports'), credibleArb(1, 'supports'), credibleArb(2, 'disputes'), (snapshots, specs, a, b, dispute) => {
        const assessment = assess([...baseEvents(specs), freshEvent(a), freshEvent(b), freshEvent(dispute)], catalogueOf(snapshots, [a, b, dispute]));
        expect(assessment.independentCorroborations).toBeGreaterThanOrEqual(2);
        expect(assessment.clusters.some((cluster) => cluster.disputesCredibly)).toBe(true);
        expect(['contested', 'disputed']).toContain(assessment.computedStatus);
      }),
    ));

  it('adding a credible independent dispute to a corroborated claim never yields unverified', () =>
    fc.assert(
      fc.property(catalogueArb, reportSpecsArb, credibleArb(0, 'supports'), credibleArb(1, 'supports'), credibleArb(2, 'disputes'), (snapshots, specs, a, b, dispute) => {
        const catalogue = catalogueOf(snapshots, [a, b, dispute]);
        const corroboratedEvents = [...baseEvents(specs), freshEvent(a), freshEvent(b)];
        fc.pre(assess(corroboratedEvents, catalogue).computedStatus === 'corroborated');
        expect(['contested', 'disputed']).toContain(assess([...corroboratedEvents, freshEvent(dispute)], catalogue).computedStatus);
      }),
    ));

  it.each<[ReportStance]>([['supports'], ['disputes']])(
    'adding an independent report that %s never moves the status the other way',
    (stance) =>
      fc.assert(
        fc.property(catalogueArb, reportSpecsArb, freshArb(0, fc.constant(stance)), (snapshots, specs, fresh) => {
          const catalogue = catalogueOf(snapshots, [fresh]);
          const before = assess(baseEvents(specs), catalogue).computedStatus;
          const after = assess([...baseEvents(specs), freshEvent(fresh)], catalogue).computedStatus;
          expect(allowedAfter(stance, before)).toContain(after);
        }),
      ),
  );

  it('status and rating agree: rating 1 exactly when corroborated, a disputed claim rates 4 or 5', () =>
    fc.assert(
      fc.property(catalogueArb, reportSpecsArb, fc.array(freshArb(0, fc.constantFrom<ReportStance>('supports', 'disputes')), { maxLength: 3 }), (snapshots, specs, extra) => {
        const fresh = extra.map((entry, index) => ({ ...entry, snapshot: { ...entry.snapshot, sourceId: `fresh${index}` } }));
        const assessment = assess([...baseEvents(specs), ...fresh.map(freshEvent)], catalogueOf(snapshots, fresh));
        expect(assessment.credibilityRating === 1).toBe(assessment.computedStatus === 'corroborated');
        if (assessment.computedStatus === 'disputed') expect([4, 5]).toContain(assessment.credibilityRating);
      }),
    ));

  it('along any sequence of added reports, each status is reached inside its own region, by an allowed move', () =>
    fc.assert(
      fc.property(
        catalogueArb,
        reportSpecsArb,
        fc.array(fc.tuple(grade, fc.constantFrom<ReportStance>('supports', 'disputes'), fc.option(fc.boolean(), { nil: undefined }), fc.boolean()), {
          minLength: 1,
          maxLength: 6,
        }),
        (snapshots, specs, steps) => {
          const fresh: FreshReport[] = steps.map(([reliability, stance, selfInterested, party], index) => ({
            snapshot: { sourceId: `fresh${index}`, name: `Fresh ${index}`, kind: 'other', reliability, ...(party ? { affiliation: 'JNIM' } : {}) },
            stance,
            selfInterested,
          }));
          const catalogue = catalogueOf(snapshots, fresh);
          let events = baseEvents(specs);
          let previous = assess(events, catalogue);
          expect(regionsOf(events, previous)).toEqual([previous.computedStatus]);
          for (const entry of fresh) {
            events = [...events, freshEvent(entry)];
            const current = assess(events, catalogue);
            expect(regionsOf(events, current)).toEqual([current.computedStatus]);
            expect(allowedAfter(entry.stance, previous.computedStatus)).toContain(current.computedStatus);
            previous = current;
          }
        },
      ),
      { numRuns: 300 },
    ));
});
