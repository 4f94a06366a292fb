import type { SourceEvent, SourceKind, SourceReliability } from '@claims/contracts';
import { assertNever, type Decider } from '../shared/decider';
import type { SourceSnapshot } from './source-catalogue';
import type {
  RegisterSource,
  RegradeSourceReliability,
  SourceCommand,
  UpdateSourceDetails,
} from './source.commands';
import { SourceAlreadyRegistered, SourceNotFound } from './source.errors';

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
      const { recordedAt, recordedBy, ...details } = event.data;
      return {
        status: 'registered',
        ...details,
        reliabilityHistory: [{ reliability: details.reliability, gradedBy: recordedBy, gradedAt: recordedAt }],
        registeredAt: recordedAt,
      };
    }
    case 'SourceDetailsChanged': {
      if (state.status !== 'registered') return state;
      const { name, kind, affiliation, originGroup } = event.data;
      return withoutUndefined({
        ...state,
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
    default:
      return assertNever(event);
  }
};

const registerSource = ({ data, metadata }: RegisterSource, state: SourceState): SourceEvent[] => {
  const registration = { ...data, reliability: data.reliability ?? DEFAULT_SOURCE_RELIABILITY };
  if (state.status === 'registered') {
    // A retried registration is harmless; a different one under the same id is a mistake worth a 409.
    const current = toSourceSnapshot(state);
    if (sameRegistration(current, registration)) return [];
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
  // Only real changes are recorded, so the audit trail shows what an edit actually did.
  const changes = {
    ...(data.name !== undefined && data.name !== state.name ? { name: data.name } : {}),
    ...(data.kind !== undefined && data.kind !== state.kind ? { kind: data.kind } : {}),
    ...(data.affiliation !== undefined && (data.affiliation ?? undefined) !== state.affiliation
      ? { affiliation: data.affiliation }
      : {}),
    ...(data.originGroup !== undefined && (data.originGroup ?? undefined) !== state.originGroup
      ? { originGroup: data.originGroup }
      : {}),
  };
  if (Object.keys(changes).length === 0) return [];
  return [
    {
      type: 'SourceDetailsChanged',
      data: { sourceId: data.sourceId, ...changes, recordedAt: metadata.now, recordedBy: metadata.actor },
    },
  ];
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
