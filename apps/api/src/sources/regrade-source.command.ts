import { Command } from '@nestjs/cqrs';
import type { RegradeSourceRequest } from '@claims/contracts';
import type { RequestContextValue } from '../http/request-context';
import type { SourceWriteResult } from './source-writer.service';

export class RegradeSourceCommand extends Command<SourceWriteResult> {
  constructor(
    readonly sourceId: string,
    readonly body: RegradeSourceRequest,
    readonly context: RequestContextValue,
  ) {
    super();
  }
}
