import { Command } from '@nestjs/cqrs';
import type { RequestContextValue } from '../http/request-context';
import type { SourceWriteResult } from '../sources/source-writer.service';

export class EraseSourceCommand extends Command<SourceWriteResult> {
  constructor(
    readonly sourceId: string,
    readonly reason: string,
    readonly context: RequestContextValue,
  ) {
    super();
  }
}
