import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import { createCheckpoint, formatLogPosition, type CheckpointSigning, type NoteVerifier } from '@claims/event-store';
import { type PeriodicTask, startPeriodicTask } from '@claims/platform';

export const AUDIT_OPTIONS = Symbol('AUDIT_OPTIONS');

export interface AuditOptions {
  /** Create a log checkpoint this often when the log grew since the last one; 0 or unset: never. */
  checkpointIntervalMs?: number;
  /** Extend the transparency tree this often (it also catches up before every checkpoint and proof); 0 or unset: only then. */
  treeIntervalMs?: number;
  /** The log's origin and signing key (see audit-signing.config.ts); without a signer checkpoints carry no note. */
  signing?: CheckpointSigning;
  /** Witnesses whose cosignatures are accepted (C2SP vkeys of type 0x04, AUDIT_WITNESS_KEYS). */
  witnessKeys?: NoteVerifier[];
}

/** Periodic log checkpoints in the API process (several instances serialise on an advisory lock). */
@Injectable()
export class CheckpointScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CheckpointScheduler.name);
  private task?: PeriodicTask;

  constructor(
    private readonly pool: Pool,
    @Inject(AUDIT_OPTIONS) private readonly options: AuditOptions,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.options.checkpointIntervalMs ?? 0;
    if (interval <= 0) return;
    this.task = startPeriodicTask(interval, () => this.tick());
  }

  private async tick(): Promise<void> {
    try {
      const { checkpoint, created } = await createCheckpoint(this.pool, { onlyIfGrown: true, ...(this.options.signing ? { signing: this.options.signing } : {}) });
      if (created) {
        this.logger.log(`log checkpoint ${checkpoint.id} at ${formatLogPosition(checkpoint.position)}: root ${checkpoint.merkleRoot}, tree size ${checkpoint.treeSize}${checkpoint.note ? ' (signed)' : ''}`);
      }
    } catch (error) {
      this.logger.warn(`log checkpoint failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.task?.stop();
  }
}
