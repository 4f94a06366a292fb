import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import { extendTree } from '@claims/event-store';
import { AUDIT_OPTIONS, type AuditOptions } from './checkpoint-scheduler';

/**
 * Keeps the transparency tree close to the log's head between checkpoints, off the append path: appends
 * never wait for it, and checkpoints and proofs catch the tree up themselves anyway, so a missed tick only
 * makes the next one longer. Several API processes serialise on the tree's advisory lock.
 */
@Injectable()
export class TreeExtender implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TreeExtender.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly pool: Pool,
    @Inject(AUDIT_OPTIONS) private readonly options: AuditOptions,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.options.treeIntervalMs ?? 0;
    if (interval <= 0) return;
    this.timer = setInterval(() => {
      this.running ??= extendTree(this.pool)
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn(`extending the transparency tree failed: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          this.running = undefined;
        });
    }, interval);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
