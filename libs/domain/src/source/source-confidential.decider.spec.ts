import type { SealedValueSchema, SourceEvent } from '@claims/contracts';
import { deciderSpecification } from '../testing/decider-specification';
import { foldEvents } from '../shared/decider';
import { sourceDecider } from './source.decider';
import { SourceErasedAlready, SourceNotConfidential } from './source.errors';

const given = deciderSpecification(sourceDecider);
const metadata = { now: '2023-11-03T09:00:00Z', actor: 'editor-amina' };
const recorded = { recordedAt: metadata.now, recordedBy: metadata.actor };

// The domain never sees a clear identity: these stand for what the API sealed.
const sealed = (ciphertext: string): SealedValueSchema => ({ sealed: 'aes-256-gcm/v1', subject: 'src-contact', iv: 'AAAAAAAAAAAAAAAA', ciphertext, tag: 'AAAAAAAAAAAAAAAAAAAAAA==' });

const contactRegistered: SourceEvent = {
  type: 'SourceRegistered',
  data: { sourceId: 'src-contact', name: 'Confidential source 7', kind: 'local_contact', reliability: 'B', confidential: { number: 7, identity: sealed('AAAA') }, ...recorded },
};

describe('source decider: confidential sources', () => {
  it('registers under the pseudonym with the sealed identity; a retry with a fresh ciphertext and the same number is a no-op', () => {
    const register = { type: 'RegisterSource' as const, data: { sourceId: 'src-contact', name: 'Confidential source 7', kind: 'local_contact' as const, reliability: 'B' as const, confidential: { number: 7, identity: sealed('AAAA') } }, metadata };
    given([]).when(register).then([contactRegistered]);
    given([contactRegistered]).when({ ...register, data: { ...register.data, confidential: { number: 7, identity: sealed('BBBB') } } }).thenNothingHappens();
  });

  it('marks an ordinary source confidential: the pseudonym replaces the name, later clear fields still change', () =>
    given([{ type: 'SourceRegistered', data: { sourceId: 'src-contact', name: 'Radio Tessit stringer', kind: 'local_contact', reliability: 'C', ...recorded } }])
      .when({ type: 'UpdateSourceDetails', data: { sourceId: 'src-contact', name: 'Confidential source 8', markConfidential: { number: 8, identity: sealed('CCCC') }, originGroup: 'Tessit radio' }, metadata })
      .then([
        { type: 'SourceMarkedConfidential', data: { sourceId: 'src-contact', name: 'Confidential source 8', confidential: { number: 8, identity: sealed('CCCC') }, ...recorded } },
        { type: 'SourceDetailsChanged', data: { sourceId: 'src-contact', originGroup: 'Tessit radio', ...recorded } },
      ]));

  it("re-seals a confidential source's identity and never records a clear name for it", () =>
    given([contactRegistered])
      .when({ type: 'UpdateSourceDetails', data: { sourceId: 'src-contact', name: 'Moussa', identity: sealed('DDDD') }, metadata })
      .then([{ type: 'SourceDetailsChanged', data: { sourceId: 'src-contact', identity: sealed('DDDD'), ...recorded } }]));

  it('erases once (a second erasure is a no-op), refuses identity changes after it, and refuses an ordinary source', () => {
    const erase = { type: 'EraseSource' as const, data: { sourceId: 'src-contact', reason: 'asked to be forgotten' }, metadata };
    const erased: SourceEvent = { type: 'SourceErased', data: { sourceId: 'src-contact', reason: 'asked to be forgotten', ...recorded } };
    given([contactRegistered]).when(erase).then([erased]);
    given([contactRegistered, erased]).when(erase).thenNothingHappens();
    given([contactRegistered, erased]).when({ type: 'UpdateSourceDetails', data: { sourceId: 'src-contact', identity: sealed('EEEE') }, metadata }).thenThrows(SourceErasedAlready, { code: 'SOURCE_ERASED', kind: 'conflict' });
    given([{ type: 'SourceRegistered', data: { sourceId: 'src-contact', name: 'Open outlet', kind: 'news_outlet', reliability: 'C', ...recorded } }]).when(erase).thenThrows(SourceNotConfidential, { code: 'SOURCE_NOT_CONFIDENTIAL' });
    const state = foldEvents(sourceDecider, [contactRegistered, erased]);
    expect(state).toMatchObject({ name: 'Confidential source 7', reliability: 'B', confidential: { number: 7, erased: { at: metadata.now, reason: 'asked to be forgotten' } } });
  });
});
