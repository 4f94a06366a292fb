import { Command } from '@nestjs/cqrs';
import type { UpdateSourceRequest } from '@claims/contracts';
import type { RequestContextValue } from '../http/request-context';
import type { SourceWriteResult } from './source-writer.service';

export class UpdateSourceCommand extends Command<SourceWriteResult> {
  constructor(
    readonly sourceId: string,
    readonly body: UpdateSourceRequest,
    readonly context: RequestContextValue,
  ) {
    super();
  }
}
