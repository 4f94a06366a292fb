import { Injectable, type OnModuleInit } from '@nestjs/common';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { CommandBus } from '@nestjs/cqrs';

const tracer = trace.getTracer('claim-ledger');

/**
 * A span around each `@nestjs/cqrs` command: the bus has no middleware hook, so its `execute` is wrapped
 * once on this application's instance (not on the class, which other applications in the process share).
 */
@Injectable()
export class CommandTracing implements OnModuleInit {
  constructor(private readonly bus: CommandBus) {}

  onModuleInit(): void {
    const execute = this.bus.execute.bind(this.bus) as (command: object, ...rest: unknown[]) => Promise<unknown>;
    const traced = (command: object, ...rest: unknown[]) =>
      tracer.startActiveSpan(`command ${command.constructor.name}`, { attributes: { 'claim_ledger.command': command.constructor.name } }, async (span) => {
        try {
          return await execute(command, ...rest);
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
          throw error;
        } finally {
          span.end();
        }
      });
    (this.bus as unknown as { execute: typeof traced }).execute = traced;
  }
}
