import type { SealedValueSchema, SourceKind, SourceReliability } from '@claims/contracts';
import type { DomainCommand } from '../shared/decider';

/** `reliability` defaults to F: reliability cannot be judged until someone grades the source. */
export type RegisterSource = DomainCommand<
  'RegisterSource',
  {
    sourceId: string;
    name: string;
    kind: SourceKind;
    affiliation?: string;
    originGroup?: string;
    reliability?: SourceReliability;
    /** A confidential source: `name` is then its pseudonym, the identity arrives sealed (the domain never sees it). */
    confidential?: ConfidentialSourceDetails;
  }
>;

/** Sealed by the API before the command: the domain holds ciphertext and the pseudonym's number only. */
export interface ConfidentialSourceDetails {
  number: number;
  identity: SealedValueSchema;
}

/** A patch: absent fields stay as they are, `null` clears an optional field. */
export type UpdateSourceDetails = DomainCommand<
  'UpdateSourceDetails',
  {
    sourceId: string;
    name?: string;
    kind?: SourceKind;
    affiliation?: string | null;
    originGroup?: string | null;
    /** Makes the source confidential from now on; `name` is then the pseudonym it will be shown under. */
    markConfidential?: ConfidentialSourceDetails;
    /** A confidential source's changed identity, sealed (given only when it changed). */
    identity?: SealedValueSchema;
  }
>;

/** Records that the source's data key was destroyed, and why. */
export type EraseSource = DomainCommand<'EraseSource', { sourceId: string; reason: string }>;

export type RegradeSourceReliability = DomainCommand<
  'RegradeSourceReliability',
  { sourceId: string; reliability: SourceReliability; reason: string }
>;

export type SourceCommand = RegisterSource | UpdateSourceDetails | RegradeSourceReliability | EraseSource;
