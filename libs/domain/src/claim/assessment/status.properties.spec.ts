import type { ClaimEvent, ClaimStatus, ReportStance, SourceReliability } from '@claims/contracts';
import fc from 'fast-check';
import { sourceCatalogueOf, type SourceCatalogue, type SourceSnapshot } from '../../source/source-catalogue';
import { isActive } from '../claim.state';
import { assessClaim } from './assess-claim';
import { catalogueArb, claimEventsFor, claimOf, gradeArb, reportDetails, reportSpecsArb, snapshotArb } from './assessment.arbitraries';
import type { ClaimAssessment } from './claim-assessment';
import { ASSESSMENT_MODEL_V2 as V2 } from './models';

// Random catalogues and report sets, as in assess-claim.properties.spec.ts, and reports from fresh,
// independent sources added on top: the v2 status partition's properties (docs/assessment.md §3).

const CLAIM_ID = 'claim-status-property';
const { reportAdded: added, allEvents: baseEvents } = claimEventsFor(CLAIM_ID);

const credibleGrade = fc.constantFrom<SourceReliability>('A', 'B', 'C');
/** A report from a source outside the catalogue's first six: its own provenance cluster. */
interface FreshReport {
  snapshot: SourceSnapshot;
  stance: ReportStance;
  selfInterested: boolean | undefined;
}
const freshArb = (index: number, stance: fc.Arbitrary<ReportStance>, reliability = gradeArb, selfInterested = fc.option(fc.boolean(), { nil: undefined })) =>
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

const freshEvent = (fresh: FreshReport): ClaimEvent =>
  added(reportDetails(`r-${fresh.snapshot.sourceId}`, fresh.snapshot.sourceId, undefined, fresh.selfInterested), fresh.stance);

const catalogueOf = (snapshots: readonly SourceSnapshot[], fresh: readonly FreshReport[] = []): SourceCatalogue =>
  sourceCatalogueOf([...snapshots, ...fresh.map((entry) => entry.snapshot)]);
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
        fc.array(fc.tuple(gradeArb, fc.constantFrom<ReportStance>('supports', 'disputes'), fc.option(fc.boolean(), { nil: undefined }), fc.boolean()), {
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
