import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import { extendTree } from '@claims/event-store';
import { type PeriodicTask, startPeriodicTask } from '@claims/platform';
import { AUDIT_OPTIONS, type AuditOptions } from './checkpoint-scheduler';

/**
 * Keeps the transparency tree close to the log's head between checkpoints, off the append path: appends
 * never wait for it, and checkpoints and proofs catch the tree up themselves anyway, so a missed tick only
 * makes the next one longer. Several API processes serialise on the tree's advisory lock.
 */
@Injectable()
export class TreeExtender implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TreeExtender.name);
  private task?: PeriodicTask;

  constructor(
    private readonly pool: Pool,
    @Inject(AUDIT_OPTIONS) private readonly options: AuditOptions,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.options.treeIntervalMs ?? 0;
    if (interval <= 0) return;
    this.task = startPeriodicTask(interval, () =>
      extendTree(this.pool).catch((error: unknown) => this.logger.warn(`extending the transparency tree failed: ${error instanceof Error ? error.message : String(error)}`)),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.task?.stop();
  }
}
