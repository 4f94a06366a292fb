import { type DynamicModule, Global, Module } from '@nestjs/common';
import { SourceWriter } from '../sources/source-writer.service';
import { ConfidentialIdentities } from './confidential-identity.service';
import { EraseSourceHandler } from './erase-source.handler';
import { ProtectionController } from './protection.controller';
import { PROTECTION_OPTIONS, type ProtectionOptions } from './protection.options';

/** Confidential sources' keys, erasure and access review; the identity service is global so every read path can use it. */
@Global()
@Module({})
export class ProtectionModule {
  static create(options: ProtectionOptions = {}): DynamicModule {
    return {
      module: ProtectionModule,
      controllers: [ProtectionController],
      providers: [{ provide: PROTECTION_OPTIONS, useValue: options }, ConfidentialIdentities, SourceWriter, EraseSourceHandler],
      exports: [ConfidentialIdentities],
    };
  }
}
