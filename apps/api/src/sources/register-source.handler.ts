import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { ambientClient } from '@claims/event-store';
import { findSourceView } from '@claims/projections';
import { domainMetadataOf } from '../claims/claim-writer.service';
import { validationFailed } from '../http/zod-validation.pipe';
import { ConfidentialIdentities } from '../protection/confidential-identity.service';
import { pseudonymBase } from '../protection/pseudonym';
import { SourceWriter } from './source-writer.service';
import { RegisterSourceCommand } from './register-source.command';

@CommandHandler(RegisterSourceCommand)
export class RegisterSourceHandler implements ICommandHandler<RegisterSourceCommand> {
  constructor(
    private readonly sources: SourceWriter,
    private readonly identities: ConfidentialIdentities,
    private readonly pool: Pool,
  ) {}

  async execute({ sourceId, body, context }: RegisterSourceCommand) {
    const { confidential, contactNotes, ...details } = body;
    const metadata = domainMetadataOf(context);
    if (!confidential) {
      if (contactNotes !== undefined) throw validationFailed([{ field: 'contactNotes', message: 'contact notes are kept for confidential sources only' }]);
      return this.sources.write(sourceId, context, { type: 'RegisterSource', data: { sourceId, ...details }, metadata });
    }
    // Sealed here, before the domain: the command (and so the event) holds the pseudonym and ciphertext only.
    const number = await this.identities.numberFor(await findSourceView(ambientClient(this.pool) ?? this.pool, sourceId));
    const identity = await this.identities.seal(sourceId, { name: details.name, ...(contactNotes !== undefined ? { contactNotes } : {}) }, context.now);
    return this.sources.write(sourceId, context, {
      type: 'RegisterSource',
      data: { sourceId, ...details, name: pseudonymBase(number), confidential: { number, identity } },
      metadata,
    });
  }
}
