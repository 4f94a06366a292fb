import { type DynamicModule, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { ClaimHistoryController } from './claim-history.controller';
import { AUDIT_OPTIONS, CheckpointScheduler, type AuditOptions } from './checkpoint-scheduler';
import { GetClaimHistoryHandler } from './get-claim-history.handler';
import { TreeExtender } from './tree-extender';

/** Claim history, log verification, checkpoints (periodic when configured) and exports. */
@Module({})
export class AuditModule {
  static create(options: AuditOptions = {}): DynamicModule {
    return {
      module: AuditModule,
      controllers: [AuditController, ClaimHistoryController],
      providers: [{ provide: AUDIT_OPTIONS, useValue: options }, AuditService, GetClaimHistoryHandler, CheckpointScheduler, TreeExtender],
      exports: [GetClaimHistoryHandler],
    };
  }
}
