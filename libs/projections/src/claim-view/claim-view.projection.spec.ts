import { ClaimResponse, ClaimSummary, SourceResponse, type ClaimEvent } from '@claims/contracts';
import {
  ASSESSMENT_MODEL_V1,
  ASSESSMENT_MODEL_V2,
  ASSESSMENT_MODELS,
  claimDecider,
  CURRENT_ASSESSMENT_MODEL,
  foldEvents,
  sourceDecider,
  type OnRecordClaim,
  type RegisteredSource,
} from '@claims/domain';
import type { RecordedEvent } from '@claims/event-store';
import {
  SAHEL_SOURCES,
  corroborated,
  disputed,
  fatalitiesAsserted,
  kalambaExecutionsAsserted,
  report,
  sahelCatalogue,
} from '@claims/domain/testing';
import { claimViewAt, replayClaimHistory } from '../claim-history/claim-history';
import { sourceViewOf, toSourceResponse } from '../source-view/source-view.projection';
import { actorKeysOf, claimViewChangeOf, claimViewOf, sourceIdsOf, toClaimResponse, toClaimSummary } from './claim-view.projection';

const claimFrom = (events: ClaimEvent[]): OnRecordClaim => foldEvents(claimDecider, events) as OnRecordClaim;
const at = (version: number) => ({ version, position: version * 10, updatedAt: '2024-01-15T10:00:00Z' });
const kalamba = [
  kalambaExecutionsAsserted,
  corroborated('claim-kalamba-executions', report('rep-africa-report', 'africaReportX', { relays: 'isSahelChannel' })),
  corroborated('claim-kalamba-executions', report('rep-menastream', 'menastream')),
];

describe('claim view projection', () => {
  it('is a pure function of the events and the catalogue', () => {
    const live = claimViewOf(claimFrom(kalamba), sahelCatalogue(), at(3));
    const rebuilt = claimViewOf(JSON.parse(JSON.stringify(claimFrom(kalamba))) as OnRecordClaim, sahelCatalogue(), at(3));
    expect(rebuilt).toEqual(live);
  });

  it('needs the reporting and the relayed sources, and keys actors for filtering', () => {
    const claim = claimFrom(kalamba);
    expect(sourceIdsOf(claim)).toEqual(
      [SAHEL_SOURCES.africaReportX, SAHEL_SOURCES.isSahelChannel, SAHEL_SOURCES.menastream].map((source) => source.sourceId).sort(),
    );
    expect(actorKeysOf(claim)).toEqual(['al-qaeda', 'isgs', 'islamic state', 'jnim']);
  });

  it('reports the headline before and after, and whether a feed would publish it', () => {
    const before = claimViewOf(claimFrom(kalamba.slice(0, 1)), sahelCatalogue(), at(1));
    const same = claimViewOf(claimFrom(kalamba.slice(0, 1)), sahelCatalogue(), at(1));
    // IS's own channel, self-interested (x 0.25): D weighs 0.125, A 0.5, E 0.025. Confidence is
    // (R + 1) / (R + 2): 0.529412, 0.6 and 0.506173; the rating is 6 below 0.5 units of evidence.
    const regradedA = claimViewOf(claimFrom(kalamba.slice(0, 1)), sahelCatalogue({ isSahelChannel: { reliability: 'A' } }), at(1));
    const regradedE = claimViewOf(claimFrom(kalamba.slice(0, 1)), sahelCatalogue({ isSahelChannel: { reliability: 'E' } }), at(1));
    const headline = (confidence: number, band: string, credibilityRating: number) => ({
      publishedStatus: 'unverified',
      computedStatus: 'unverified',
      credibilityRating,
      band,
      confidence,
      modelVersion: CURRENT_ASSESSMENT_MODEL.modelVersion,
    });

    expect(claimViewChangeOf(undefined, before)).toMatchObject({ previous: null, current: headline(0.529412, 'roughly_even_chance', 6), headlineChanged: true });
    expect(claimViewChangeOf(before, same)).toMatchObject({ previous: headline(0.529412, 'roughly_even_chance', 6), headlineChanged: false });
    // Up a band and judgeable (rating 3): published.
    expect(claimViewChangeOf(before, regradedA)).toMatchObject({
      previous: headline(0.529412, 'roughly_even_chance', 6),
      current: headline(0.6, 'likely', 3),
      headlineChanged: true,
    });
    // The confidence moves but stays in its band, with the same rating and status: not published.
    expect(claimViewChangeOf(before, regradedE)).toMatchObject({
      previous: headline(0.529412, 'roughly_even_chance', 6),
      current: headline(0.506173, 'roughly_even_chance', 6),
      headlineChanged: false,
    });
  });

  it('answers in the shape the API contract declares', () => {
    const fatalities = claimFrom([
      fatalitiesAsserted,
      disputed(fatalitiesAsserted.data.claimId, report('rep-wikipedia', 'wikipedia', { figure: { low: 1500 } }), '1,500+ total deaths'),
    ]);
    const view = claimViewOf(fatalities, sahelCatalogue(), at(2));
    expect(ClaimResponse.parse(toClaimResponse(view))).toEqual(toClaimResponse(view));
    expect(ClaimSummary.parse(toClaimSummary(view))).toEqual(toClaimSummary(view));

    const source = foldEvents(sourceDecider, [
      { type: 'SourceRegistered', data: { ...SAHEL_SOURCES.wikipedia, kind: 'other', reliability: 'F', recordedAt: '2024-01-01T00:00:00Z', recordedBy: 'editor-amina' } },
    ]) as RegisteredSource;
    const response = toSourceResponse(sourceViewOf(source, at(1)), [view]);
    expect(SourceResponse.parse(response)).toEqual(response);
    expect(response.claims[0].reports).toEqual([{ reportId: 'rep-wikipedia', stance: 'disputes', active: true, role: 'reported' }]);
  });
});

describe('assessment models in projections', () => {
  const recorded = (event: ClaimEvent, version: number): RecordedEvent => ({
    eventId: `00000000-0000-4000-8000-${String(version).padStart(12, '0')}`,
    streamId: `claim-${event.data.claimId}`,
    streamVersion: version,
    globalPosition: version,
    transactionId: String(100 + version),
    type: event.type,
    schemaVersion: 1,
    data: event.data as unknown as Record<string, unknown>,
    metadata: {},
    recordedAt: new Date(`2024-01-15T10:0${version}:00Z`),
    hash: '00',
  });

  it('live rows are assessed with the current model; another model only when asked for', () => {
    const claim = claimFrom(kalamba);
    expect(CURRENT_ASSESSMENT_MODEL).toBe(ASSESSMENT_MODELS.v2);
    expect(claimViewOf(claim, sahelCatalogue(), at(3)).assessment.modelVersion).toBe(ASSESSMENT_MODEL_V2.modelVersion);
    expect(claimViewOf(claim, sahelCatalogue(), at(3), ASSESSMENT_MODEL_V1).assessment.modelVersion).toBe(ASSESSMENT_MODEL_V1.modelVersion);
  });

  it('every history step names the model that produced it', () => {
    const events = kalamba.map((event, index) => recorded(event, index + 1));
    for (const [params, version] of [
      [undefined, ASSESSMENT_MODEL_V2.modelVersion],
      [ASSESSMENT_MODEL_V1, ASSESSMENT_MODEL_V1.modelVersion],
    ] as const) {
      const steps = replayClaimHistory(events, [], {}, params);
      expect(steps.map((step) => step.view.assessment.modelVersion)).toEqual([version, version, version]);
      expect(claimViewAt(events, [], { atVersion: 2 }, params)?.view.assessment.modelVersion).toBe(version);
    }
  });
});
