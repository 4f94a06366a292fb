import { Module } from '@nestjs/common';
import { loadWebhookConfig } from '@claims/feed';
import { WebhookDispatcherService } from './webhook-dispatcher.service';
import { WebhookRegistry } from './webhook.registry';
import { WebhooksController } from './webhooks.controller';
import { WEBHOOK_CONFIG } from './webhooks.tokens';

/** Webhook endpoints over HTTP (`/admin/webhooks`) and this process's dispatcher. Configured by the WEBHOOK_* variables. */
@Module({
  providers: [{ provide: WEBHOOK_CONFIG, useFactory: () => loadWebhookConfig(process.env) }, WebhookRegistry, WebhookDispatcherService],
  controllers: [WebhooksController],
})
export class WebhooksModule {}
