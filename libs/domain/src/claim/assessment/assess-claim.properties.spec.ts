import type { ClaimEvent, ReportDetails, ReportStance } from '@claims/contracts';
import fc from 'fast-check';
import { foldEvents } from '../../shared/decider';
import { sourceCatalogueOf, type SourceCatalogue, type SourceSnapshot } from '../../source/source-catalogue';
import { assessClaim } from './assess-claim';
import {
  catalogueArb,
  claimEventsFor,
  claimOf,
  gradeArb,
  reportDetails,
  reportSpecsArb,
  snapshotArb,
  SOURCE_COUNT,
  sourceId,
  type ReportSpec,
} from './assessment.arbitraries';
import type { ClaimAssessment } from './claim-assessment';
import { ASSESSMENT_MODEL_V1, ASSESSMENT_MODEL_V2, type AssessmentParams } from './models';
import { claimDecider } from '../claim.decider';
import type { OnRecordClaim } from '../claim.state';

const CLAIM_ID = 'claim-property';
const FRESH = 'fresh';
const { reportAdded: addEvent, reportRetracted: retraction, eventsOf, allEvents } = claimEventsFor(CLAIM_ID);

const reportOf = (reportId: string, source: string, spec: Omit<ReportSpec, 'source' | 'stance' | 'retracted'>): ReportDetails =>
  reportDetails(reportId, source, spec.relays === undefined ? undefined : sourceId(spec.relays), spec.selfInterested);

/** Everything the verdict of the model consists of; membership lists and prose may legitimately grow. */
const outcome = (assessment: ClaimAssessment) => ({
  confidence: assessment.confidence,
  band: assessment.band,
  opinion: assessment.opinion,
  evidence: assessment.evidence,
  conflict: assessment.conflict,
  computedStatus: assessment.computedStatus,
  credibilityRating: assessment.credibilityRating,
  independentCorroborations: assessment.independentCorroborations,
  clusters: assessment.clusters.map(({ clusterId, support, dispute, corroborates }) => ({
    clusterId,
    support,
    dispute,
    corroborates,
  })),
});

const withFresh = (snapshots: readonly SourceSnapshot[], fresh: SourceSnapshot) =>
  sourceCatalogueOf([...snapshots, fresh]);

const freshSpec = fc.record({
  relays: fc.option(fc.nat(SOURCE_COUNT - 1), { nil: undefined }),
  selfInterested: fc.option(fc.boolean(), { nil: undefined }),
});

// v2 changes only the status rules: every property of the evidence and the opinion holds under both models.
describe.each<[string, AssessmentParams]>([
  ['v1', ASSESSMENT_MODEL_V1],
  ['v2', ASSESSMENT_MODEL_V2],
])('assessment properties (%s)', (_name, model) => {
  const assess = (events: readonly ClaimEvent[], catalogue: SourceCatalogue) => assessClaim(claimOf(events), catalogue, model);

  it('an added independent supporting report never lowers confidence', () =>
    fc.assert(
      fc.property(catalogueArb, reportSpecsArb, snapshotArb(FRESH), fc.option(fc.boolean(), { nil: undefined }), (snapshots, specs, fresh, selfInterested) => {
        const independent = { ...fresh, originGroup: undefined };
        const catalogue = withFresh(snapshots, independent);
        const before = assess(allEvents(specs), catalogue);
        const added = addEvent(reportOf('r-new', FRESH, { relays: undefined, selfInterested }), 'supports');
        const after = assess([...allEvents(specs), added], catalogue);
        expect(after.confidence).toBeGreaterThanOrEqual(before.confidence);
        expect(after.clusters).toHaveLength(before.clusters.length + 1);
      }),
    ));

  it('an added dispute never raises confidence', () =>
    fc.assert(
      fc.property(catalogueArb, reportSpecsArb, snapshotArb(FRESH), freshSpec, (snapshots, specs, fresh, spec) => {
        const catalogue = withFresh(snapshots, fresh);
        const before = assess(allEvents(specs), catalogue);
        const after = assess([...allEvents(specs), addEvent(reportOf('r-new', FRESH, spec), 'disputes')], catalogue);
        expect(after.confidence).toBeLessThanOrEqual(before.confidence);
      }),
    ));

  it('a relay of a source already reporting never changes the result', () =>
    fc.assert(
      fc.property(catalogueArb, reportSpecsArb, snapshotArb(FRESH), fc.nat(), fc.option(fc.boolean(), { nil: undefined }), (snapshots, specs, fresh, pick, selfInterested) => {
        const active = specs.filter((spec) => !spec.retracted);
        fc.pre(active.length > 0);
        const relayed = active[pick % active.length];
        const catalogue = withFresh(snapshots, fresh);
        const repeat = addEvent(
          { ...reportOf('r-new', FRESH, { relays: undefined, selfInterested }), relaysSourceId: sourceId(relayed.source) },
          relayed.stance,
        );
        expect(outcome(assess([...allEvents(specs), repeat], catalogue))).toEqual(outcome(assess(allEvents(specs), catalogue)));
      }),
    ));

  it('another outlet of the same origin group, no stronger, never changes the result', () =>
    fc.assert(
      fc.property(catalogueArb, reportSpecsArb, fc.nat(), (snapshots, specs, pick) => {
        const grouped = specs.filter(
          (spec) => !spec.retracted && spec.relays === undefined && snapshots[spec.source].originGroup !== undefined,
        );
        fc.pre(grouped.length > 0);
        const original = grouped[pick % grouped.length];
        // A copy of the original outlet: same grade, affiliation and origin group, same stance and flag.
        const catalogue = withFresh(snapshots, { ...snapshots[original.source], sourceId: FRESH, name: 'Copy' });
        const copy = addEvent(reportOf('r-new', FRESH, { relays: undefined, selfInterested: original.selfInterested }), original.stance);
        expect(outcome(assess([...allEvents(specs), copy], catalogue))).toEqual(outcome(assess(allEvents(specs), catalogue)));
      }),
    ));

  it('one source, however reliable and however often relayed, never yields corroborated or credibility 1', () =>
    fc.assert(
      fc.property(catalogueArb, reportSpecsArb, gradeArb, (snapshots, specs, grade) => {
        const catalogue = sourceCatalogueOf(snapshots.map((snapshot) => (snapshot.sourceId === 's0' ? { ...snapshot, reliability: grade } : snapshot)));
        // s0 asserts; every other report relays s0.
        const oneVoice = [
          { ...specs[0], source: 0, relays: undefined, retracted: false },
          ...specs.filter((spec) => spec.source !== 0).map((spec) => ({ ...spec, stance: 'supports' as const, relays: 0 })),
        ];
        const assessment = assess(allEvents(oneVoice), catalogue);
        expect(assessment.computedStatus).not.toBe('corroborated');
        expect(assessment.credibilityRating).not.toBe(1);
      }),
    ));

  it('self-interested support alone never yields corroborated or credibility 1', () =>
    fc.assert(
      // Also with self-interest not weighted down at all: the rule must not rest on the weights alone.
      fc.property(catalogueArb, reportSpecsArb, fc.constantFrom(0.25, 1), (snapshots, specs, selfInterestFactor) => {
        const selfInterestedSupport = specs.map((spec) => (spec.stance === 'supports' ? { ...spec, selfInterested: true } : spec));
        const params = { ...model, selfInterestFactor };
        const assessment = assessClaim(claimOf(allEvents(selfInterestedSupport)), sourceCatalogueOf(snapshots), params);
        expect(assessment.computedStatus).not.toBe('corroborated');
        expect(assessment.credibilityRating).not.toBe(1);
      }),
    ));

  it('a retraction removes exactly that report’s contribution', () =>
    fc.assert(
      fc.property(
        catalogueArb,
        reportSpecsArb,
        snapshotArb(FRESH),
        freshSpec,
        fc.constantFrom<ReportStance>('supports', 'disputes'),
        fc.nat(),
        (snapshots, specs, fresh, spec, stance, pick) => {
          // The retracted report comes from a source the others may relay, so relay chains run through it.
          const unused = Array.from({ length: SOURCE_COUNT }, (_, index) => index).filter(
            (index) => !specs.some((other) => other.source === index),
          );
          const source = unused.length > 0 ? sourceId(unused[pick % unused.length]) : FRESH;
          const catalogue = withFresh(snapshots, fresh);
          const extra = reportOf('r-new', source, spec);
          const withdrawn = assess([...allEvents(specs), addEvent(extra, stance), retraction(extra)], catalogue);
          const neverMade = assess(allEvents(specs), catalogue);
          const { explanation: _withdrawnProse, ...withdrawnRest } = withdrawn;
          const { explanation: _neverMadeProse, ...neverMadeRest } = neverMade;
          expect({
            ...withdrawnRest,
            discounted: withdrawn.discounted.filter((entry) => entry.reportId !== 'r-new'),
          }).toEqual(neverMadeRest);
          expect(withdrawn.discounted).toContainEqual(expect.objectContaining({ reportId: 'r-new', reasons: [{ code: 'retracted', reason: 'withdrawn' }] }));
        },
      ),
    ));

  it('depends on the set of events, not on how they were batched or ordered', () =>
    fc.assert(
      fc.property(catalogueArb, reportSpecsArb, fc.array(fc.nat(), { maxLength: 4 }), fc.nat(), (snapshots, specs, cuts, seed) => {
        const catalogue = sourceCatalogueOf(snapshots);
        const { asserted, additions, retractions } = eventsOf(specs);
        const inOneBatch = assess([asserted, ...additions, ...retractions], catalogue);

        const events = [asserted, ...additions, ...retractions];
        const boundaries = [...new Set(cuts.map((cut) => cut % (events.length + 1)))].sort((a, b) => a - b);
        const batches = [0, ...boundaries, events.length].slice(1).map((end, index, ends) => events.slice(index === 0 ? 0 : ends[index - 1], end));
        const batched = batches.reduce((state, batch) => foldEvents(claimDecider, batch, state), claimDecider.initialState());
        expect(assessClaim(batched as OnRecordClaim, catalogue, model)).toEqual(inOneBatch);

        // Reports arrive in any order (a retraction still follows the report it retracts).
        const shuffled = [...additions].sort((left, right) => hash(left, seed) - hash(right, seed));
        expect(assess([asserted, ...shuffled, ...retractions], catalogue)).toEqual(inOneBatch);
      }),
    ));
});

const hash = (event: ClaimEvent, seed: number): number => {
  const text = `${seed}:${JSON.stringify(event)}`;
  let value = 0;
  for (let index = 0; index < text.length; index += 1) value = (value * 31 + text.charCodeAt(index)) | 0;
  return value;
};
