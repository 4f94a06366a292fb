import { ClaimResponse, ClaimSummary, SourceResponse, type ClaimEvent } from '@claims/contracts';
import { claimDecider, foldEvents, sourceDecider, type OnRecordClaim, type RegisteredSource } from '@claims/domain';
import {
  SAHEL_SOURCES,
  corroborated,
  disputed,
  fatalitiesAsserted,
  kalambaExecutionsAsserted,
  report,
  sahelCatalogue,
} from '../../../domain/src/testing/sahel.fixtures';
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
    const regraded = claimViewOf(claimFrom(kalamba.slice(0, 1)), sahelCatalogue({ isSahelChannel: { reliability: 'A' } }), at(1));

    expect(claimViewChangeOf(undefined, before)).toMatchObject({ previous: null, headlineChanged: true });
    expect(claimViewChangeOf(before, same).headlineChanged).toBe(false);
    const change = claimViewChangeOf(before, regraded);
    expect(change.previous?.confidence).toBeLessThan(change.current.confidence);
    expect(change.headlineChanged).toBe(change.previous?.band !== change.current.band || change.previous?.credibilityRating !== change.current.credibilityRating);
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
