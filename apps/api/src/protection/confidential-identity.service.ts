import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { ConfidentialIdentity, type ApiKeyRole, type ReportDetails, type SealedValueSchema } from '@claims/contracts';
import { roleHasPermission } from '@claims/domain';
import { ambientClient, type Queryable } from '@claims/event-store';
import { openValue, sealValue, SealedValueRefused, type MasterKey } from '@claims/platform';
import { type IdentityReveal, type SourceView } from '@claims/projections';
import { HttpProblem } from '../http/problem';
import type { RequestContextValue } from '../http/request-context';
import { recordConfidentialAccess } from './access-log.repository';
import { PROTECTION_OPTIONS, type ProtectionOptions } from './protection.options';
import { ensureSubjectKey, findSubjectKey, SubjectErased, WrongMasterKey } from './subject-data-keys';

/** The field path sealed into the identity's additional data: a ciphertext moved to another field does not open. */
const IDENTITY_FIELD = 'source.identity';
const REPORT_FIELD = 'report.details';

/** What a confidential source's report holds sealed: the link and the quote, which can name or locate the person. */
interface SealedReportDetails {
  url?: string;
  quote?: string;
}

/**
 * Seals and opens confidential sources' identities. Opening happens only here, in the read path, for keys
 * holding `sources:confidential:read`, and every opening is written to the access log. Errors name key
 * ids at most, never keys.
 */
@Injectable()
export class ConfidentialIdentities {
  constructor(
    private readonly pool: Pool,
    @Inject(PROTECTION_OPTIONS) private readonly options: ProtectionOptions,
  ) {}

  private db(): Queryable {
    // Inside the request's unit of work when there is one: the key row commits (or not) with the events.
    return ambientClient(this.pool) ?? this.pool;
  }

  private master(): MasterKey {
    if (!this.options.masterKey) {
      throw new HttpProblem(503, 'DATA_KEY_ENCRYPTION_KEY_NOT_SET', 'Confidential sources are not available', 'This deployment has no master key: set DATA_KEY_ENCRYPTION_KEY (docs/protection.md)');
    }
    return this.options.masterKey;
  }

  /** The pseudonym's number: a new one, or the one an identical retry of the registration already got. */
  async numberFor(existing: SourceView | undefined): Promise<number> {
    if (existing?.confidential) return existing.confidential.number;
    this.master();
    const { rows } = await this.db().query<{ n: string }>("SELECT nextval('confidential_source_number') AS n");
    return Number(rows[0].n);
  }

  async seal(sourceId: string, identity: ConfidentialIdentity, now: Date): Promise<SealedValueSchema> {
    const key = await this.keyOrProblem(() => ensureSubjectKey(this.db(), this.master(), sourceId, now));
    return sealValue(key, sourceId, IDENTITY_FIELD, ConfidentialIdentity.parse(identity));
  }

  /**
   * A report by a confidential source, as it goes into the log: `url` and `quote` sealed with the source's
   * data key (with the report id as additional data). Reports by ordinary sources pass unchanged.
   * `source`: the reporting source's row as the command's transaction read it, under the source's lock.
   */
  async sealReport<T extends ReportDetails>(report: T, now: Date, source: SourceView | undefined): Promise<T> {
    if (report.url === undefined && report.quote === undefined) return report;
    if (!source?.confidential) return report;
    const { url, quote, ...rest } = report;
    const details: SealedReportDetails = { ...(url !== undefined ? { url } : {}), ...(quote !== undefined ? { quote } : {}) };
    const key = await this.keyOrProblem(() => ensureSubjectKey(this.db(), this.master(), report.sourceId, now));
    return { ...rest, sealed: sealValue(key, report.sourceId, `${REPORT_FIELD}.${report.reportId}`, details) } as T;
  }

  /**
   * A sealed report as the asking key may see it: opened for `sources:confidential:read` (and logged),
   * `[erased]` once the key is gone; others get it as stored (ciphertext, no url or quote).
   */
  async revealReport<T extends ReportDetails>(report: T, context: RequestContextValue, route: string): Promise<T> {
    if (!report.sealed || !mayRead(context)) return report;
    const found = await this.keyOrProblem(() => findSubjectKey(this.db(), this.master(), report.sourceId));
    if (!found || 'erased' in found) return { ...report, url: undefined, quote: ERASED_TEXT };
    let details: SealedReportDetails;
    try {
      details = openValue(found.key, `${REPORT_FIELD}.${report.reportId}`, report.sealed) as SealedReportDetails;
    } catch (error) {
      if (error instanceof SealedValueRefused) throw keyProblem(error.message);
      throw error;
    }
    await recordConfidentialAccess(this.db(), { at: context.now, keyId: context.actor.id, keyName: context.actor.name, sourceId: report.sourceId, route });
    return { ...report, ...details };
  }

  /** Opens a source's identity for its own writes (a patch merges into it); `erased` once the key is gone. */
  async open(source: SourceView): Promise<ConfidentialIdentity | 'erased'> {
    if (!source.confidential) throw new Error(`source ${source.sourceId} is not confidential`);
    if (source.confidential.erased) return 'erased';
    const found = await this.keyOrProblem(() => findSubjectKey(this.db(), this.master(), source.sourceId));
    if (!found || 'erased' in found) return 'erased';
    try {
      return ConfidentialIdentity.parse(openValue(found.key, IDENTITY_FIELD, source.confidential.identity));
    } catch (error) {
      if (error instanceof SealedValueRefused) throw keyProblem(error.message);
      throw error;
    }
  }

  /**
   * What the asking key may see of a source's identity. A key with `sources:confidential:read` gets it opened,
   * and the read goes into the access log (route included); everyone else the pseudonym.
   */
  async reveal(source: SourceView, context: RequestContextValue, route: string): Promise<IdentityReveal> {
    if (!source.confidential) return 'withheld';
    // Withheld: the pseudonym (the answer still says when the identity was erased).
    if (!mayRead(context)) return 'withheld';
    const opened = await this.open(source);
    if (opened === 'erased') return 'erased';
    await recordConfidentialAccess(this.db(), { at: context.now, keyId: context.actor.id, keyName: context.actor.name, sourceId: source.sourceId, route });
    return { identity: opened };
  }

  private async keyOrProblem<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof SubjectErased) throw erasedProblem(error.subjectId);
      if (error instanceof WrongMasterKey || error instanceof SealedValueRefused) throw keyProblem(error.message);
      throw error;
    }
  }
}

export const mayRead = (context: RequestContextValue): boolean =>
  context.actor.role !== undefined && roleHasPermission(context.actor.role as ApiKeyRole, 'sources:confidential:read');

const ERASED_TEXT = '[erased]';

const keyProblem = (detail: string) => new HttpProblem(503, 'DATA_KEY_UNAVAILABLE', 'A data key cannot be used', `${detail} (docs/protection.md)`);
const erasedProblem = (sourceId: string) =>
  new HttpProblem(409, 'SOURCE_ERASED', 'The source was erased', `Source ${sourceId} was erased: its identity can no longer be read or changed`, { field: 'sourceId' });
