import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Pool } from 'pg';
import { PgChannelListener } from '@claims/event-store';
import { ApiKeyAuthenticator } from './api-key.authenticator';

/** Notified (by a trigger on `api_keys`, on commit) with `<key id>:<row version>` of every key whose row changed. */
export const API_KEY_CHANGED_CHANNEL = 'claim_ledger_api_key_changed';

/**
 * Keeps this process's key cache in step with every other writer of keys (another API process, the
 * command line): a change's notification drops the key from the cache (and rechecks the open streams it
 * authenticates), so a revocation anywhere applies here within a round trip. While the LISTEN connection
 * is down nothing is heard: the cache's TTL (API_KEY_CACHE_SECONDS) bounds the staleness then, and the
 * whole cache is dropped when it is back.
 */
@Injectable()
export class ApiKeyChangeListener implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ApiKeyChangeListener');
  private listener?: PgChannelListener;

  constructor(
    private readonly pool: Pool,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  onModuleInit(): void {
    this.listener = new PgChannelListener(
      this.pool,
      API_KEY_CHANGED_CHANNEL,
      { warn: (fields, message) => this.logger.warn(`${message} ${JSON.stringify(fields)}`) },
      { applicationName: 'claim-ledger-key-changes' },
    );
    this.listener.onNotification((payload) => {
      if (payload === undefined) return this.authenticator.forgetAll();
      const [keyId, version] = payload.split(':');
      this.authenticator.changedElsewhere(keyId, Number(version));
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.close();
  }
}
