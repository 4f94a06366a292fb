import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { WebhookDispatcher, webhookDispatcherSettings } from '@claims/feed';
import { WEBHOOK_CONFIG, type WebhookConfig } from './webhooks.tokens';

/**
 * The API process's webhook dispatcher, started with the application unless WEBHOOK_DISPATCHER=off (when
 * `apps/worker` sends). Unlike the Kafka relay it needs no broker, so the embedded default runs it too;
 * several processes may run one at once without sending a delivery twice concurrently.
 */
@Injectable()
export class WebhookDispatcherService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly dispatcher?: WebhookDispatcher;

  constructor(pool: Pool, @Inject(WEBHOOK_CONFIG) config: WebhookConfig) {
    if (config.WEBHOOK_DISPATCHER === 'on') this.dispatcher = new WebhookDispatcher({ pool, ...webhookDispatcherSettings(config) });
  }

  onApplicationBootstrap(): void {
    this.dispatcher?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher?.stop();
  }
}
