import type { SealedValueSchema, SourceEvent, SourceKind, SourceReliability } from '@claims/contracts';
import { assertNever, type Decider } from '../shared/decider';
import type { SourceSnapshot } from './source-catalogue';
import type {
  EraseSource,
  RegisterSource,
  RegradeSourceReliability,
  SourceCommand,
  UpdateSourceDetails,
} from './source.commands';
import { SourceAlreadyRegistered, SourceErasedAlready, SourceNotConfidential, SourceNotFound } from './source.errors';

/** One grading of a source, kept so that editors can see how and why its grade moved. */
export interface ReliabilityGrading {
  reliability: SourceReliability;
  previousReliability?: SourceReliability;
  reason?: string;
  gradedBy: string;
  gradedAt: string;
}

export interface RegisteredSource {
  status: 'registered';
  sourceId: string;
  name: string;
  kind: SourceKind;
  affiliation?: string;
  originGroup?: string;
  reliability: SourceReliability;
  /** Oldest first; the first entry is the grade given at registration. */
  reliabilityHistory: readonly ReliabilityGrading[];
  registeredAt: string;
  /** A confidential source: `name` is its pseudonym; the identity is sealed with its data key. */
  confidential?: ConfidentialState;
}

export interface ConfidentialState {
  number: number;
  identity: SealedValueSchema;
  /** Set once the data key was destroyed: the identity can never be opened again. */
  erased?: { at: string; reason: string };
}

export type SourceState = { status: 'unregistered' } | RegisteredSource;

/** The grade of a source nobody has judged yet (Admiralty F). */
export const DEFAULT_SOURCE_RELIABILITY: SourceReliability = 'F';

export const initialSourceState = (): SourceState => ({ status: 'unregistered' });

/** Applies a patch value to an optional field: `undefined` keeps it, `null` removes it. */
const patchOptional = (current: string | undefined, patch: string | null | undefined): string | undefined =>
  patch === undefined ? current : (patch ?? undefined);

const withoutUndefined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;

export const evolveSource = (state: SourceState, event: SourceEvent): SourceState => {
  switch (event.type) {
    case 'SourceRegistered': {
      const { recordedAt, recordedBy, confidential, ...details } = event.data;
      return {
        ...(confidential ? { confidential: { ...confidential } } : {}),
        status: 'registered',
        ...details,
        reliabilityHistory: [{ reliability: details.reliability, gradedBy: recordedBy, gradedAt: recordedAt }],
        registeredAt: recordedAt,
      };
    }
    case 'SourceDetailsChanged': {
      if (state.status !== 'registered') return state;
      const { name, kind, affiliation, originGroup, identity } = event.data;
      return withoutUndefined({
        ...state,
        ...(identity && state.confidential ? { confidential: { ...state.confidential, identity } } : {}),
        name: name ?? state.name,
        kind: kind ?? state.kind,
        affiliation: patchOptional(state.affiliation, affiliation),
        originGroup: patchOptional(state.originGroup, originGroup),
      });
    }
    case 'SourceReliabilityRegraded': {
      if (state.status !== 'registered') return state;
      const { reliability, previousReliability, reason, recordedAt, recordedBy } = event.data;
      return {
        ...state,
        reliability,
        reliabilityHistory: [
          ...state.reliabilityHistory,
          { reliability, previousReliability, reason, gradedBy: recordedBy, gradedAt: recordedAt },
        ],
      };
    }
    case 'SourceMarkedConfidential':
      if (state.status !== 'registered') return state;
      return { ...state, name: event.data.name, confidential: { ...event.data.confidential } };
    case 'SourceErased':
      if (state.status !== 'registered' || !state.confidential) return state;
      return { ...state, confidential: { ...state.confidential, erased: { at: event.data.recordedAt, reason: event.data.reason } } };
    default:
      return assertNever(event);
  }
};

const registerSource = ({ data, metadata }: RegisterSource, state: SourceState): SourceEvent[] => {
  const registration = { ...data, reliability: data.reliability ?? DEFAULT_SOURCE_RELIABILITY };
  if (state.status === 'registered') {
    // A retried registration is harmless; a different one under the same id is a mistake worth a 409.
    const current = toSourceSnapshot(state);
    // A confidential retry seals again (a fresh IV): the clear details and the pseudonym's number decide.
    if (sameRegistration(current, registration) && state.confidential?.number === data.confidential?.number) return [];
    throw new SourceAlreadyRegistered(data.sourceId);
  }
  return [
    {
      type: 'SourceRegistered',
      data: { ...registration, recordedAt: metadata.now, recordedBy: metadata.actor },
    },
  ];
};

const sameRegistration = (current: SourceSnapshot, requested: SourceSnapshot): boolean =>
  current.name === requested.name &&
  current.kind === requested.kind &&
  current.affiliation === requested.affiliation &&
  current.originGroup === requested.originGroup &&
  current.reliability === requested.reliability;

const updateSourceDetails = ({ data, metadata }: UpdateSourceDetails, state: SourceState): SourceEvent[] => {
  if (state.status !== 'registered') throw new SourceNotFound(data.sourceId);
  if (state.confidential?.erased && (data.identity || data.name !== undefined)) throw new SourceErasedAlready(data.sourceId);
  const recorded = { recordedAt: metadata.now, recordedBy: metadata.actor };
  // Marking comes first: from it on, `name` is the pseudonym and the identity is only ever sealed.
  const marked: SourceEvent[] =
    data.markConfidential && !state.confidential && data.name !== undefined
      ? [{ type: 'SourceMarkedConfidential', data: { sourceId: data.sourceId, name: data.name, confidential: data.markConfidential, ...recorded } }]
      : [];
  const clearName = state.confidential || data.markConfidential ? undefined : data.name;
  // Only real changes are recorded, so the audit trail shows what an edit actually did.
  const changes = {
    ...(clearName !== undefined && clearName !== state.name ? { name: clearName } : {}),
    ...(data.identity && state.confidential ? { identity: data.identity } : {}),
    ...(data.kind !== undefined && data.kind !== state.kind ? { kind: data.kind } : {}),
    ...(data.affiliation !== undefined && (data.affiliation ?? undefined) !== state.affiliation
      ? { affiliation: data.affiliation }
      : {}),
    ...(data.originGroup !== undefined && (data.originGroup ?? undefined) !== state.originGroup
      ? { originGroup: data.originGroup }
      : {}),
  };
  if (Object.keys(changes).length === 0) return marked;
  return [...marked, { type: 'SourceDetailsChanged', data: { sourceId: data.sourceId, ...changes, ...recorded } }];
};

const eraseSource = ({ data, metadata }: EraseSource, state: SourceState): SourceEvent[] => {
  if (state.status !== 'registered') throw new SourceNotFound(data.sourceId);
  if (!state.confidential) throw new SourceNotConfidential(data.sourceId);
  if (state.confidential.erased) return [];
  return [{ type: 'SourceErased', data: { sourceId: data.sourceId, reason: data.reason, recordedAt: metadata.now, recordedBy: metadata.actor } }];
};

const regradeSourceReliability = (
  { data, metadata }: RegradeSourceReliability,
  state: SourceState,
): SourceEvent[] => {
  if (state.status !== 'registered') throw new SourceNotFound(data.sourceId);
  if (data.reliability === state.reliability) return [];
  return [
    {
      type: 'SourceReliabilityRegraded',
      data: {
        sourceId: data.sourceId,
        previousReliability: state.reliability,
        reliability: data.reliability,
        reason: data.reason,
        recordedAt: metadata.now,
        recordedBy: metadata.actor,
      },
    },
  ];
};

export const decideSource = (command: SourceCommand, state: SourceState): SourceEvent[] => {
  switch (command.type) {
    case 'RegisterSource':
      return registerSource(command, state);
    case 'UpdateSourceDetails':
      return updateSourceDetails(command, state);
    case 'RegradeSourceReliability':
      return regradeSourceReliability(command, state);
    case 'EraseSource':
      return eraseSource(command, state);
    default:
      return assertNever(command);
  }
};

/** The source's current snapshot, as claim rules and the assessment consume it. */
export const toSourceSnapshot = (source: RegisteredSource): SourceSnapshot => ({
  sourceId: source.sourceId,
  name: source.name,
  kind: source.kind,
  ...(source.affiliation !== undefined ? { affiliation: source.affiliation } : {}),
  ...(source.originGroup !== undefined ? { originGroup: source.originGroup } : {}),
  reliability: source.reliability,
});

/** Source stream decider: one stream per source. */
export const sourceDecider: Decider<SourceState, SourceCommand, SourceEvent> = {
  initialState: initialSourceState,
  evolve: evolveSource,
  decide: decideSource,
};
