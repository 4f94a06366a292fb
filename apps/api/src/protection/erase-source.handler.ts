import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Pool } from 'pg';
import { ambientClient } from '@claims/event-store';
import { domainMetadataOf } from '../claims/claim-writer.service';
import { SourceWriter } from '../sources/source-writer.service';
import { EraseSourceCommand } from './erase-source.command';
import { destroySubjectKey } from './subject-data-keys';

/**
 * Crypto-shredding: records `SourceErased` (why, and by whom, without the data), then overwrites the data
 * key. The log's bytes do not change, so its hash chain, checkpoints and proofs still verify; the sealed
 * fields can never be opened again. The event goes first: a key is never destroyed without its record.
 */
@CommandHandler(EraseSourceCommand)
export class EraseSourceHandler implements ICommandHandler<EraseSourceCommand> {
  constructor(
    private readonly sources: SourceWriter,
    private readonly pool: Pool,
  ) {}

  async execute({ sourceId, reason, context }: EraseSourceCommand) {
    const result = await this.sources.write(sourceId, context, { type: 'EraseSource', data: { sourceId, reason }, metadata: domainMetadataOf(context) });
    await destroySubjectKey(ambientClient(this.pool) ?? this.pool, sourceId, reason, context.now);
    return result;
  }
}
