import type { SourceEvent } from '@claims/contracts';
import { deciderSpecification } from '../testing/decider-specification';
import { foldEvents } from '../shared/decider';
import { sourceDecider, toSourceSnapshot, type RegisteredSource } from './source.decider';
import { SourceAlreadyRegistered, SourceNotFound } from './source.errors';

const given = deciderSpecification(sourceDecider);
const metadata = { now: '2023-11-03T09:00:00Z', actor: 'editor-amina' };
const later = { now: '2023-11-04T09:00:00Z', actor: 'editor-jules' };

const alNabaRegistered: SourceEvent = {
  type: 'SourceRegistered',
  data: {
    sourceId: 'src-al-naba',
    name: 'al-Naba',
    kind: 'armed_group_media',
    affiliation: 'Islamic State',
    originGroup: 'IS central media',
    reliability: 'F',
    recordedAt: metadata.now,
    recordedBy: metadata.actor,
  },
};

describe('source decider', () => {
  describe('RegisterSource', () => {
    const register = {
      type: 'RegisterSource' as const,
      data: {
        sourceId: 'src-al-naba',
        name: 'al-Naba',
        kind: 'armed_group_media' as const,
        affiliation: 'Islamic State',
        originGroup: 'IS central media',
      },
      metadata,
    };

    it('registers a new source with reliability F when no grade is given', () =>
      given([]).when(register).then([alNabaRegistered]));

    it('keeps an explicit grade', () =>
      given([])
        .when({ ...register, data: { ...register.data, reliability: 'C' } })
        .then([{ ...alNabaRegistered, data: { ...alNabaRegistered.data, reliability: 'C' } } as SourceEvent]));

    it('treats an identical retry as a no-op', () => given([alNabaRegistered]).when(register).thenNothingHappens());

    it('rejects the same id with different details', () =>
      given([alNabaRegistered])
        .when({ ...register, data: { ...register.data, name: 'Amaq' } })
        .thenThrows(SourceAlreadyRegistered, { code: 'SOURCE_ALREADY_REGISTERED', kind: 'conflict', field: 'sourceId' }));
  });

  describe('UpdateSourceDetails', () => {
    it('records only the fields that changed', () =>
      given([alNabaRegistered])
        .when({
          type: 'UpdateSourceDetails',
          data: { sourceId: 'src-al-naba', name: 'al-Naba weekly', kind: 'armed_group_media', originGroup: null },
          metadata: later,
        })
        .then([
          {
            type: 'SourceDetailsChanged',
            data: {
              sourceId: 'src-al-naba',
              name: 'al-Naba weekly',
              originGroup: null,
              recordedAt: later.now,
              recordedBy: later.actor,
            },
          },
        ]));

    it('is a no-op when nothing changes', () =>
      given([alNabaRegistered])
        .when({
          type: 'UpdateSourceDetails',
          data: { sourceId: 'src-al-naba', affiliation: 'Islamic State' },
          metadata: later,
        })
        .thenNothingHappens());

    it('rejects an unregistered source', () =>
      given([])
        .when({ type: 'UpdateSourceDetails', data: { sourceId: 'src-x', name: 'X' }, metadata })
        .thenThrows(SourceNotFound, { code: 'SOURCE_NOT_FOUND', kind: 'not_found', field: 'sourceId' }));
  });

  describe('RegradeSourceReliability', () => {
    const regrade = {
      type: 'RegradeSourceReliability' as const,
      data: { sourceId: 'src-al-naba', reliability: 'D' as const, reason: 'Inflates casualty counts' },
      metadata: later,
    };

    it('records the previous grade, the reason and who graded', () =>
      given([alNabaRegistered])
        .when(regrade)
        .then([
          {
            type: 'SourceReliabilityRegraded',
            data: {
              sourceId: 'src-al-naba',
              previousReliability: 'F',
              reliability: 'D',
              reason: 'Inflates casualty counts',
              recordedAt: later.now,
              recordedBy: later.actor,
            },
          },
        ]));

    it('is a no-op when the grade does not change', () =>
      given([alNabaRegistered])
        .when({ ...regrade, data: { ...regrade.data, reliability: 'F' } })
        .thenNothingHappens());

    it('rejects an unregistered source', () =>
      given([]).when(regrade).thenThrows(SourceNotFound, { field: 'sourceId' }));
  });

  describe('state', () => {
    it('keeps the grading history and applies detail patches, including clearing a field', () => {
      const state = foldEvents(sourceDecider, [
        alNabaRegistered,
        {
          type: 'SourceReliabilityRegraded',
          data: {
            sourceId: 'src-al-naba',
            previousReliability: 'F',
            reliability: 'D',
            reason: 'track record reviewed',
            recordedAt: later.now,
            recordedBy: later.actor,
          },
        },
        {
          type: 'SourceDetailsChanged',
          data: { sourceId: 'src-al-naba', originGroup: null, recordedAt: later.now, recordedBy: later.actor },
        },
      ]) as RegisteredSource;

      expect(state.reliabilityHistory.map((grading) => grading.reliability)).toEqual(['F', 'D']);
      expect(state.reliabilityHistory[1]).toMatchObject({ previousReliability: 'F', gradedBy: 'editor-jules' });
      expect(toSourceSnapshot(state)).toEqual({
        sourceId: 'src-al-naba',
        name: 'al-Naba',
        kind: 'armed_group_media',
        affiliation: 'Islamic State',
        reliability: 'D',
      });
    });
  });
});
