import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import type { ConfidentialIdentity } from '@claims/contracts';
import { SourceErasedAlready, SourceNotFound, type UpdateSourceDetails } from '@claims/domain';
import { ambientClient } from '@claims/event-store';
import { findSourceView } from '@claims/projections';
import { domainMetadataOf } from '../claims/claim-writer.service';
import { validationFailed } from '../http/zod-validation.pipe';
import { ConfidentialIdentities } from '../protection/confidential-identity.service';
import { pseudonymBase } from '../protection/pseudonym';
import { SourceWriter } from './source-writer.service';
import { UpdateSourceCommand } from './update-source.command';

@CommandHandler(UpdateSourceCommand)
export class UpdateSourceHandler implements ICommandHandler<UpdateSourceCommand> {
  constructor(
    private readonly sources: SourceWriter,
    private readonly identities: ConfidentialIdentities,
    private readonly pool: Pool,
  ) {}

  async execute({ sourceId, body, context }: UpdateSourceCommand) {
    const { confidential, contactNotes, name, ...details } = body;
    const metadata = domainMetadataOf(context);
    const data: UpdateSourceDetails['data'] = { sourceId, ...details };
    const touchesIdentity = name !== undefined || contactNotes !== undefined;
    const current = confidential || touchesIdentity ? await findSourceView(ambientClient(this.pool) ?? this.pool, sourceId) : undefined;
    if ((confidential || touchesIdentity) && !current) throw new SourceNotFound(sourceId);
    if (current?.confidential) {
      // The identity is sealed as a whole: open it, apply the patch, seal it again when something changed.
      if (touchesIdentity) {
        const opened = await this.identities.open(current);
        if (opened === 'erased') throw new SourceErasedAlready(sourceId);
        const next = patchIdentity(opened, name, contactNotes);
        if (next.name !== opened.name || next.contactNotes !== opened.contactNotes) data.identity = await this.identities.seal(sourceId, next, context.now);
      }
    } else if (current && confidential) {
      const number = await this.identities.numberFor(undefined);
      const identity = await this.identities.seal(sourceId, patchIdentity({ name: current.name }, name, contactNotes), context.now);
      Object.assign(data, { name: pseudonymBase(number), markConfidential: { number, identity } });
    } else {
      if (contactNotes !== undefined) throw validationFailed([{ field: 'contactNotes', message: 'contact notes are kept for confidential sources only' }]);
      if (name !== undefined) data.name = name;
    }
    return this.sources.write(sourceId, context, { type: 'UpdateSourceDetails', data, metadata });
  }
}

const patchIdentity = (identity: ConfidentialIdentity, name: string | undefined, contactNotes: string | null | undefined): ConfidentialIdentity => {
  const notes = contactNotes === undefined ? identity.contactNotes : (contactNotes ?? undefined);
  return { name: name ?? identity.name, ...(notes !== undefined ? { contactNotes: notes } : {}) };
};
