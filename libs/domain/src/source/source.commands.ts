import type { SourceKind, SourceReliability } from '@claims/contracts';
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
  }
>;

/** A patch: absent fields stay as they are, `null` clears an optional field. */
export type UpdateSourceDetails = DomainCommand<
  'UpdateSourceDetails',
  {
    sourceId: string;
    name?: string;
    kind?: SourceKind;
    affiliation?: string | null;
    originGroup?: string | null;
  }
>;

export type RegradeSourceReliability = DomainCommand<
  'RegradeSourceReliability',
  { sourceId: string; reliability: SourceReliability; reason: string }
>;

export type SourceCommand = RegisterSource | UpdateSourceDetails | RegradeSourceReliability;
