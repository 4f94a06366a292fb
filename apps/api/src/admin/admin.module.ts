import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller';

/** Administration over HTTP: API keys. */
@Module({ controllers: [ApiKeysController] })
export class AdminModule {}
