import type { ClaimEvent, ClaimStatus } from '@claims/contracts';
import { foldEvents } from '../../shared/decider';
import {
  SAHEL_SOURCES,
  corroborated,
  disputed,
  kalambaExecutionsAsserted,
  report,
  retracted,
  sahelCatalogue,
  type SahelSourceKey,
} from '../../testing/sahel.fixtures';
import { claimDecider } from '../claim.decider';
import type { OnRecordClaim } from '../claim.state';
import { assessClaim } from './assess-claim';
import { ASSESSMENT_MODEL_V1, ASSESSMENT_MODEL_V2, CURRENT_ASSESSMENT_MODEL, type AssessmentParams } from './models';
import { degreeOfConflict, opinionOf } from './opinion';
import { statusOf, type StatusFacts } from './status';

const claimId = kalambaExecutionsAsserted.data.claimId;
/** The Kalamba claim, put on record by `source` instead of the IS channel (no party to the event). */
const assertedBy = (source: SahelSourceKey): ClaimEvent => ({
  ...kalambaExecutionsAsserted,
  data: { ...(kalambaExecutionsAsserted.data as object), report: report('rep-first', source) },
} as ClaimEvent);
const assess = (events: ClaimEvent[], params: AssessmentParams, catalogue = sahelCatalogue()) =>
  assessClaim(foldEvents(claimDecider, events) as OnRecordClaim, catalogue, params);

describe('status rules, the two cases of issue 12', () => {
  // France 24 and Critical Threats (both B) support; Jamestown Terrorism Monitor (B, research) disputes.
  const twoBSupportOneBDisputes = [
    assertedBy('france24'),
    corroborated(claimId, report('rep-ctp', 'criticalThreats')),
    disputed(claimId, report('rep-jamestown', 'terrorismMonitor'), 'Attributes the killings to another group'),
  ];

  it('two B-grade outlets supporting against one B-grade research organisation disputing is contested under v2', () => {
    const assessment = assess(twoBSupportOneBDisputes, ASSESSMENT_MODEL_V2);
    expect(assessment).toMatchObject({
      evidence: { support: 3, dispute: 1.5 },
      confidence: 0.615385,
      computedStatus: 'contested',
      credibilityRating: 3,
      statusReason:
        'contested: 2 independent credible sources support (Critical Threats (ACLED data), France 24), ' +
        '1 disputes (Jamestown Terrorism Monitor)',
    });
    expect(assessment.explanation).toContain(
      'Why contested: 2 independent credible sources support (Critical Threats (ACLED data), France 24), 1 disputes (Jamestown Terrorism Monitor).',
    );
  });

  it('v1 still leaves the same evidence unverified: the model is versioned, not edited', () => {
    const assessment = assess(twoBSupportOneBDisputes, ASSESSMENT_MODEL_V1);
    expect(assessment).toMatchObject({
      modelVersion: 'assessment-model-v1',
      computedStatus: 'unverified',
      statusReason:
        'unverified: 2 independent credible sources support (Critical Threats (ACLED data), France 24), but confidence 0.615385 is below 0.7',
    });
  });

  describe('a corroborated claim (an A and a B source) that meets a credible dispute', () => {
    const catalogue = sahelCatalogue({ france24: { reliability: 'A' } });
    const corroboratedClaim = [assertedBy('france24'), corroborated(claimId, report('rep-ctp', 'criticalThreats'))];
    const withDispute = [...corroboratedClaim, disputed(claimId, report('rep-jamestown', 'terrorismMonitor'), 'Other group')];

    it('is corroborated before the dispute under both models', () => {
      expect(assess(corroboratedClaim, ASSESSMENT_MODEL_V1, catalogue).computedStatus).toBe('corroborated');
      expect(assess(corroboratedClaim, ASSESSMENT_MODEL_V2, catalogue)).toMatchObject({
        computedStatus: 'corroborated',
        credibilityRating: 1,
        statusReason:
          'corroborated: 2 independent credible sources support (Critical Threats (ACLED data), France 24) and no credible independent source disputes',
      });
    });

    it('becomes contested under v2, where v1 dropped it to unverified', () => {
      expect(assess(withDispute, ASSESSMENT_MODEL_V1, catalogue).computedStatus).toBe('unverified');
      expect(assess(withDispute, ASSESSMENT_MODEL_V2, catalogue)).toMatchObject({ computedStatus: 'contested', credibilityRating: 3 });
    });
  });

  it('v2 is the current model', () => expect(CURRENT_ASSESSMENT_MODEL).toBe(ASSESSMENT_MODEL_V2));
});

describe('statusReason: one sentence naming the rule and the sources (v2)', () => {
  const weakDispute = (reportId: string, source: SahelSourceKey) => disputed(claimId, report(reportId, source), 'Denies it');
  it.each<[string, ClaimEvent[], string]>([
    ['one self-interested origin', [kalambaExecutionsAsserted], 'unverified: no independent credible source supports the claim (support from Islamic State media network is self-interested or weak)'],
    ['one credible origin', [assertedBy('france24')], 'unverified: only 1 independent credible source supports (France 24), 2 are needed'],
    [
      'support withdrawn',
      [assertedBy('france24'), retracted(claimId, 'rep-first', SAHEL_SOURCES.france24.sourceId, 'Withdrawn')],
      'retracted: no active report supports the claim any more',
    ],
    [
      'a credible dispute outweighing self-interested support',
      [kalambaExecutionsAsserted, weakDispute('rep-kidal', 'kidalContact')],
      'disputed: the dispute (S 1: Local contact, Kidal) outweighs the support (R 0.125: Islamic State media network) at least 2 to 1',
    ],
    [
      'enough corroboration outweighed by weak disputes',
      [
        assertedBy('kidalContact'),
        corroborated(claimId, report('rep-menastream', 'menastream')),
        weakDispute('rep-wikipedia', 'wikipedia'),
        weakDispute('rep-unofficial', 'unofficialJihadistAccounts'),
        weakDispute('rep-is', 'isSahelChannel'),
        weakDispute('rep-az-zallaqa', 'azZallaqa'),
      ],
      'contested: 2 independent credible sources support (Local contact, Kidal, @MENASTREAM), but the disputes ' +
        '(S 1.175: Islamic State media network, Pro-al-Qaeda unofficial channels, az-Zallaqa, Wikipedia, "JNIM-ISGS war") keep it from outweighing them 2 to 1 (R 2)',
    ],
  ])('%s', (_name, events, reason) => {
    // Re-graded so that the weak disputes add up: D 0.5 twice, the IS channel 0.125 and az-Zallaqa 0.05 (self-interested).
    const catalogue = sahelCatalogue({ wikipedia: { reliability: 'D' }, unofficialJihadistAccounts: { reliability: 'D' } });
    expect(assess(events, ASSESSMENT_MODEL_V2, catalogue).statusReason).toBe(reason);
  });
});

/** Consistent facts for evidence R, S in the given numbers of credible clusters (confidence and conflict derived). */
const facts = (
  support: number,
  dispute: number,
  independentCorroborations: number,
  credibleDisputes: number,
  overrides: Partial<StatusFacts> = {},
): StatusFacts => ({
  hasActiveSupport: true,
  support,
  dispute,
  conflict: degreeOfConflict(support, dispute, ASSESSMENT_MODEL_V2),
  confidence: opinionOf(support, dispute, ASSESSMENT_MODEL_V2).confidence,
  independentCorroborations,
  credibleDisputes,
  ...overrides,
});
const EPSILON = 1e-9;
const { disputedMinEvidence: MIN_DISPUTE, contestedMinConflict: MIN_CONFLICT } = ASSESSMENT_MODEL_V2;

// The boundaries of docs/assessment.md §3.2, each tested on both sides.
describe.each<[string, StatusFacts, ClaimStatus, StatusFacts, ClaimStatus]>([
  ['1. some supporting report is active', facts(1, 1, 1, 1, { hasActiveSupport: false }), 'retracted', facts(1, 1, 1, 1), 'contested'],
  ['2. S = 2R, with S ≥ 1 (dispute dominance)', facts(1, 2 - EPSILON, 1, 1), 'contested', facts(1, 2, 1, 1), 'disputed'],
  ['2b. S = 2R, no credible cluster on either side', facts(0.6, 1.2 - EPSILON, 0, 0), 'unverified', facts(0.6, 1.2, 0, 0), 'disputed'],
  ['3. S = 1, with S ≥ 2R (enough dispute)', facts(0.25, MIN_DISPUTE - EPSILON, 0, 0), 'unverified', facts(0.25, MIN_DISPUTE, 0, 1), 'disputed'],
  ['4. two corroborating clusters, no dispute', facts(2, 0, 1, 0), 'unverified', facts(2, 0, 2, 0), 'corroborated'],
  ['5. a credible dispute meets enough corroboration', facts(3, 1, 2, 0), 'corroborated', facts(3, 1, 2, 1), 'contested'],
  ['6. a credible dispute meets one corroborating cluster', facts(2, 1, 1, 0), 'unverified', facts(2, 1, 1, 1), 'contested'],
  ['7. R = 2S, with enough corroboration and no credible dispute', facts(2, 1 + EPSILON, 2, 0), 'contested', facts(2, 1, 2, 0), 'corroborated'],
  ['8. DC = 0.035, neither side dominating, no credible pair', facts(1, 1, 0, 1, { conflict: MIN_CONFLICT - EPSILON }), 'unverified', facts(1, 1, 0, 1, { conflict: MIN_CONFLICT }), 'contested'],
  ['9. R = 2S ends balanced conflict (one corroborating cluster, weak dispute)', facts(1.5 - EPSILON, 0.75, 1, 0), 'contested', facts(1.5, 0.75, 1, 0), 'unverified'],
])('v2 boundary %s', (_name, below, belowStatus, at, atStatus) => {
  it(`is ${belowStatus} just below`, () => expect(statusOf(below, ASSESSMENT_MODEL_V2).status).toBe(belowStatus));
  it(`is ${atStatus} at the boundary`, () => expect(statusOf(at, ASSESSMENT_MODEL_V2).status).toBe(atStatus));
});

describe('v2 cluster credibility boundaries', () => {
  // A C-grade report weighs exactly 1: the corroborating and the credible-dispute minimum.
  const justUnder = (params: AssessmentParams): AssessmentParams => ({
    ...params,
    reliabilityWeights: { ...params.reliabilityWeights, C: 1 - EPSILON },
  });
  const events = [
    assertedBy('france24'),
    corroborated(claimId, report('rep-kidal', 'kidalContact')),
    disputed(claimId, report('rep-menastream', 'menastream'), 'Denies it'),
  ];

  it('a C-grade report (weight 1) corroborates and disputes credibly; just under 1 it does neither', () => {
    const at = assess(events, ASSESSMENT_MODEL_V2);
    const under = assess(events, justUnder(ASSESSMENT_MODEL_V2));
    expect(at.clusters.map((cluster) => [cluster.clusterId, cluster.corroborates, cluster.disputesCredibly])).toEqual([
      ['source:src-contact-kidal', true, false],
      ['source:src-france24', true, false],
      ['source:src-x-menastream', false, true],
    ]);
    expect(under.clusters.map((cluster) => [cluster.clusterId, cluster.corroborates, cluster.disputesCredibly])).toEqual([
      ['source:src-contact-kidal', false, false],
      ['source:src-france24', true, false],
      ['source:src-x-menastream', false, false],
    ]);
    expect(at.computedStatus).toBe('contested');
    // R 2.5 against S 1: support dominates, one corroborating cluster, no credible dispute.
    expect(under.computedStatus).toBe('unverified');
  });
});
