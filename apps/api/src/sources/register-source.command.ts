import { Command } from '@nestjs/cqrs';
import type { RegisterSourceRequest } from '@claims/contracts';
import type { RequestContextValue } from '../http/request-context';
import type { SourceWriteResult } from './source-writer.service';

export class RegisterSourceCommand extends Command<SourceWriteResult> {
  constructor(
    readonly sourceId: string,
    readonly body: RegisterSourceRequest,
    readonly context: RequestContextValue,
  ) {
    super();
  }
}
