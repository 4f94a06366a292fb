import type { ClaimEvent } from '@claims/contracts';
import { foldEvents } from '../../shared/decider';
import { sourceCatalogueOf } from '../../source/source-catalogue';
import {
  SAHEL_SOURCES,
  ceasefireRejectionAsserted,
  corroborated,
  disputed,
  droukdelKilledAsserted,
  editor,
  fatalitiesAsserted,
  kalambaExecutionsAsserted,
  report,
  retracted,
  sahelCatalogue,
} from '../../testing/sahel.fixtures';
import { assessClaim } from './assess-claim';
import { degreeOfConflict, icd203BandOf } from './opinion';
import { ASSESSMENT_MODEL_V1 } from './models';
import { claimDecider } from '../claim.decider';
import type { OnRecordClaim } from '../claim.state';

const claimFrom = (events: ClaimEvent[]): OnRecordClaim => foldEvents(claimDecider, events) as OnRecordClaim;
const assess = (events: ClaimEvent[], catalogue = sahelCatalogue()) => assessClaim(claimFrom(events), catalogue);

describe('assessClaim on seed scenarios', () => {
  describe('Kalamba executions claimed by IS media and relayed by several accounts', () => {
    const claimId = 'claim-kalamba-executions';
    const events = [
      kalambaExecutionsAsserted,
      corroborated(claimId, report('rep-africa-report', 'africaReportX', { relays: 'isSahelChannel' })),
      corroborated(claimId, report('rep-al-naba', 'alNaba', { publishedAt: '2023-11-02T20:00:00Z' })),
      corroborated(claimId, report('rep-van-ostaeyen', 'vanOstaeyenX', { relays: 'alNaba' })),
      corroborated(claimId, report('rep-terrorism-monitor', 'terrorismMonitor', { relays: 'africaReportX' })),
    ];
    const assessment = assess(events);

    it('is one provenance, so it is not corroborated', () => {
      expect(assessment.clusters.map((cluster) => cluster.clusterId)).toEqual(['origin:islamic state media network']);
      expect(assessment.independentCorroborations).toBe(0);
      expect(assessment.computedStatus).toBe('unverified');
      expect(assessment.credibilityRating).not.toBe(1);
    });

    it('counts the cluster once, at its strongest self-interested report', () => {
      // al-Naba (C = 1) self-interested: 1 × 0.25.
      expect(assessment.evidence).toEqual({ support: 0.25, dispute: 0 });
      expect(assessment.clusters[0].countedSupportReportId).toBe('rep-al-naba');
    });

    it('explains each discount: relays, the shared origin group, self-interest', () => {
      const reasonsOf = (reportId: string) =>
        assessment.discounted.find((entry) => entry.reportId === reportId)?.reasons.map((reason) => reason.code);
      expect(reasonsOf('rep-terrorism-monitor')).toEqual(['relay', 'self_interested']);
      expect(assessment.discounted.find((entry) => entry.reportId === 'rep-terrorism-monitor')?.reasons[0]).toEqual({
        code: 'relay',
        of: SAHEL_SOURCES.isSahelChannel.sourceId,
        via: SAHEL_SOURCES.africaReportX.sourceId,
      });
      expect(reasonsOf('rep-is-channel')).toEqual(['self_interested', 'same_origin_group']);
      expect(assessment.explanation).toContain(
        'Discounted report rep-terrorism-monitor by Jamestown Terrorism Monitor: relay of IS Sahel Province ' +
          'Telegram channel via @Africarepor_t; self-interested (relays a party to the event).',
      );
    });

    it('records the model version', () => expect(assessment.modelVersion).toBe('assessment-model-v1'));
  });

  describe('415 against 1,500+ fatalities in JNIM-ISGS fighting', () => {
    const claimId = 'claim-jnim-isgs-fatalities';
    const infobox = report('rep-infobox', 'wikipedia', { figure: { low: 1500 } });

    it('reports the range and flags the conflicting figures', () => {
      const { figures } = assess([fatalitiesAsserted, disputed(claimId, infobox, 'Gives 1,500+ total deaths')]);
      expect(figures).toMatchObject({ counted: 'fighters killed', low: 415, high: null, conflicting: true });
      expect(figures?.values.map((value) => [value.reportId, value.lower, value.upper])).toEqual([
        ['rep-ctp-415', 415, 415],
        ['rep-infobox', 1500, null],
      ]);
    });

    it('does not flag overlapping figures', () => {
      const estimate = report('rep-menastream', 'menastream', { figure: { low: 400, best: 420, high: 450 } });
      const { figures } = assess([fatalitiesAsserted, corroborated(claimId, estimate)]);
      expect(figures).toMatchObject({ low: 400, high: 450, conflicting: false });
    });

    it('drops a retracted figure from the range', () => {
      const { figures } = assess([
        fatalitiesAsserted,
        disputed(claimId, infobox, 'Gives 1,500+ total deaths'),
        retracted(claimId, 'rep-infobox', infobox.sourceId, 'Infobox corrected'),
      ]);
      expect(figures).toMatchObject({ low: 415, high: 415, conflicting: false });
    });
  });

  describe("JNIM's rejection of an IS ceasefire, attributed by unofficial accounts", () => {
    const claimId = 'claim-jnim-rejects-ceasefire';
    const greyDynamics = corroborated(
      claimId,
      report('rep-grey-dynamics', 'greyDynamics', { relays: 'unofficialJihadistAccounts' }),
    );

    it('stays unverified: everything traces back to JNIM itself', () => {
      const assessment = assess([ceasefireRejectionAsserted, greyDynamics]);
      expect(assessment.clusters.map((cluster) => cluster.clusterId)).toEqual([`source:${SAHEL_SOURCES.azZallaqa.sourceId}`]);
      expect(assessment.computedStatus).toBe('unverified');
      expect(assessment.credibilityRating).toBe(6);
      expect(assessment.band).toBe('roughly_even_chance');
    });

    it('is not contested when both sides are weak (JNIM media denies it)', () => {
      const denial = disputed(claimId, report('rep-az-zallaqa', 'azZallaqa'), 'No such statement was issued');
      const assessment = assess([ceasefireRejectionAsserted, greyDynamics, denial]);
      expect(assessment.computedStatus).toBe('unverified');
      expect(assessment.conflict).toBeLessThan(ASSESSMENT_MODEL_V1.contestedMinConflict);
    });

    it('is contested when credible support meets credible dispute', () => {
      const assessment = assess([
        ceasefireRejectionAsserted,
        corroborated(claimId, report('rep-terrorism-monitor', 'terrorismMonitor')),
        disputed(claimId, report('rep-menastream', 'menastream'), 'JNIM channels never published it'),
      ]);
      expect(assessment.computedStatus).toBe('contested');
      expect(assessment.conflict).toBeGreaterThanOrEqual(ASSESSMENT_MODEL_V1.contestedMinConflict);
    });
  });

  describe("Droukdel's death confirmed by independent sources", () => {
    const claimId = 'claim-droukdel-killed';
    const events = [
      droukdelKilledAsserted,
      corroborated(claimId, report('rep-france24', 'france24', { relays: 'frenchArmedForces' })),
      // AQIM confirming its own leader's death speaks against its interest: the editor says so explicitly.
      corroborated(claimId, report('rep-aqim', 'aqimAlAndalus', { selfInterested: false })),
      corroborated(claimId, report('rep-kidal-contact', 'kidalContact')),
    ];

    it('is corroborated with credibility 1', () => {
      const assessment = assess(events);
      expect(assessment.computedStatus).toBe('corroborated');
      expect(assessment.credibilityRating).toBe(1);
      expect(assessment.independentCorroborations).toBe(2);
      // French MoD (B, self-interested: 0.375) + AQIM (C: 1) + Kidal contact (C: 1); France 24 joins the MoD.
      expect(assessment.evidence.support).toBeCloseTo(2.375, 6);
      expect(assessment.confidence).toBeCloseTo(3.375 / 4.375, 6);
    });

    it("is not corroborated when AQIM's statement is left to count as self-interested", () => {
      const withoutOverride = events.map((event) =>
        event.type === 'ClaimCorroborated' && event.data.report.reportId === 'rep-aqim'
          ? corroborated(claimId, report('rep-aqim', 'aqimAlAndalus'))
          : event,
      );
      const assessment = assess(withoutOverride);
      expect(assessment.independentCorroborations).toBe(1);
      expect(assessment.computedStatus).toBe('unverified');
    });

    it('is re-assessed when a source is re-graded, without touching the claim', () => {
      const assessment = assess(events, sahelCatalogue({ kidalContact: { reliability: 'E' } }));
      expect(assessment.computedStatus).toBe('unverified');
      expect(assessment.credibilityRating).not.toBe(1);
    });

    it('shows an editorial verdict beside the computed status', () => {
      const verdict: ClaimEvent = {
        type: 'ClaimVerdictIssued',
        data: { claimId, verdict: 'confirmed', rationale: 'AQIM confirmed', recordedAt: editor.now, recordedBy: editor.actor },
      };
      const assessment = assess([...events, verdict]);
      expect(assessment).toMatchObject({ verdict: 'confirmed', publishedStatus: 'confirmed', computedStatus: 'corroborated' });
    });
  });
});

describe('assessClaim mechanics', () => {
  const claimId = 'claim-droukdel-killed';
  const single = (reliability: 'A' | 'E') =>
    assess([droukdelKilledAsserted], sahelCatalogue({ frenchArmedForces: { reliability, affiliation: undefined } }));

  it('gives one completely reliable source confidence 0.75 but not credibility 1', () => {
    const assessment = single('A');
    expect(assessment).toMatchObject({ confidence: 0.75, band: 'likely', computedStatus: 'unverified', credibilityRating: 2 });
  });

  it('cannot judge a claim resting on an unreliable source', () => {
    expect(single('E')).toMatchObject({ credibilityRating: 6, band: 'roughly_even_chance' });
  });

  it('marks a claim disputed when credible dispute dominates', () => {
    const assessment = assess(
      [droukdelKilledAsserted, disputed(claimId, report('rep-kidal', 'kidalContact'), 'He was seen alive')],
      sahelCatalogue({ frenchArmedForces: { reliability: 'E' } }),
    );
    expect(assessment.computedStatus).toBe('disputed');
    expect(assessment.confidence).toBeLessThan(0.5);
  });

  it('marks a claim retracted when all support was withdrawn', () => {
    const assessment = assess([
      droukdelKilledAsserted,
      retracted(claimId, 'rep-french-mod', SAHEL_SOURCES.frenchArmedForces.sourceId, 'Statement withdrawn'),
    ]);
    expect(assessment).toMatchObject({ computedStatus: 'retracted', credibilityRating: 6, confidence: 0.5 });
    expect(assessment.discounted).toEqual([
      expect.objectContaining({ reportId: 'rep-french-mod', reasons: [{ code: 'retracted', reason: 'Statement withdrawn' }] }),
    ]);
  });

  it('weighs a source missing from the catalogue as F and says so', () => {
    const assessment = assessClaim(claimFrom([droukdelKilledAsserted]), sourceCatalogueOf([]));
    expect(assessment.evidence.support).toBe(ASSESSMENT_MODEL_V1.reliabilityWeights.F);
    expect(assessment.discounted[0].reasons).toEqual([{ code: 'unknown_source' }]);
  });

  it('puts a relay cycle into one cluster', () => {
    const assessment = assess([
      droukdelKilledAsserted,
      corroborated(claimId, report('rep-a', 'menastream', { relays: 'france24' })),
      corroborated(claimId, report('rep-b', 'france24', { relays: 'menastream' })),
    ]);
    expect(assessment.clusters.map((cluster) => cluster.clusterId)).toEqual([
      `source:${SAHEL_SOURCES.france24.sourceId}`,
      `source:${SAHEL_SOURCES.frenchArmedForces.sourceId}`,
    ]);
  });

  it('caps a relay at the weight of what it relays', () => {
    const assessment = assess(
      [droukdelKilledAsserted, corroborated(claimId, report('rep-grey', 'greyDynamics', { relays: 'wikipedia' }))],
      sahelCatalogue({ greyDynamics: { reliability: 'A' } }),
    );
    const cluster = assessment.clusters.find((candidate) => candidate.rootSourceId === SAHEL_SOURCES.wikipedia.sourceId);
    expect(cluster?.support).toBe(ASSESSMENT_MODEL_V1.reliabilityWeights.F);
  });

  it.each([
    [0, 'almost_no_chance'],
    [0.049, 'almost_no_chance'],
    [0.05, 'very_unlikely'],
    [0.2, 'unlikely'],
    [0.45, 'roughly_even_chance'],
    [0.5, 'roughly_even_chance'],
    [0.55, 'likely'],
    [0.8, 'very_likely'],
    [0.95, 'almost_certain'],
    [1, 'almost_certain'],
  ])('maps confidence %d to the ICD 203 band %s', (confidence, band) => {
    expect(icd203BandOf(confidence)).toBe(band);
  });

  it('measures no conflict unless both sides hold evidence', () => {
    expect(degreeOfConflict(5, 0, ASSESSMENT_MODEL_V1)).toBe(0);
    expect(degreeOfConflict(0, 5, ASSESSMENT_MODEL_V1)).toBe(0);
    expect(degreeOfConflict(2, 2, ASSESSMENT_MODEL_V1)).toBeCloseTo(0.125, 9);
  });
});
