import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { ambientClient } from '@claims/event-store';
import { inTransaction } from '@claims/projections';
import { domainMetadataOf } from '../claims/claim-writer.service';
import { SourceWriter } from '../sources/source-writer.service';
import { EraseSourceCommand } from './erase-source.command';
import { destroySubjectKey } from './subject-data-keys';

/**
 * Crypto-shredding: records `SourceErased` (why, and by whom, without the data), then overwrites the data
 * key. The log's bytes do not change, so its hash chain, checkpoints and proofs still verify; the sealed
 * fields can never be opened again. The event goes first: a key is never destroyed without its record; and
 * both commit in one transaction, so an event is never left without the key's destruction either (that
 * would show the source as erased while its key still opened its reports' quotes).
 */
@CommandHandler(EraseSourceCommand)
export class EraseSourceHandler implements ICommandHandler<EraseSourceCommand> {
  constructor(
    private readonly sources: SourceWriter,
    private readonly pool: Pool,
  ) {}

  async execute({ sourceId, reason, context }: EraseSourceCommand) {
    // Joins the request's unit of work when there is one; the source's re-assessment follows the commit.
    return inTransaction(this.pool, async (client) => {
      const result = await this.sources.write(sourceId, context, { type: 'EraseSource', data: { sourceId, reason }, metadata: domainMetadataOf(context) });
      await destroySubjectKey(ambientClient(this.pool) ?? client, sourceId, reason, context.now);
      return result;
    });
  }
}
