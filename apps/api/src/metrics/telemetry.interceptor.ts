import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import { ClaimLedgerMetrics, runWithMetrics } from '@claims/platform';

/**
 * Runs the route handler inside the request's server span and with this application's metrics ambient.
 * The middleware's context does not reach the handler by itself: the body parser resumes on the socket's
 * callbacks, outside it. Subscribing to the handler here puts both back for everything the command does.
 */
@Injectable()
export class TelemetryInterceptor implements NestInterceptor {
  constructor(private readonly metrics: ClaimLedgerMetrics) {}

  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (execution.getType() !== 'http') return next.handle();
    const traceContext = execution.switchToHttp().getRequest<Request>().traceContext ?? context.active();
    return new Observable((subscriber) => runWithMetrics(this.metrics, () => context.with(traceContext, () => next.handle().subscribe(subscriber))));
  }
}
