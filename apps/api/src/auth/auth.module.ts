import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { Pool } from 'pg';
import { PgEventStore } from '@claims/event-store';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyRegistry } from './api-key.registry';
import { FailedAuthenticationLimiter } from './failed-authentication-limiter';
import { SharedRateLimiter } from './shared-rate-limiter';
import { ApiKeyChangeListener } from './api-key-change-listener';
import { RouteInventory } from './route-inventory';

export interface AuthOptions {
  /** Requests per minute per key (token bucket in PostgreSQL, shared by every API process). Default 600. */
  rateLimitPerMinute?: number;
  /**
   * How long a key's row is cached. A change to a key is announced to every process on commit (NOTIFY), so
   * this is the bound only when that notification is lost (a dropped LISTEN connection). Default 5 s.
   */
  keyCacheTtlMs?: number;
  /** Failed authentications per minute per client address before it gets 429s (token bucket in PostgreSQL, shared). Default 30. */
  failedAuthenticationsPerMinute?: number;
}

/** API keys: the registry, the authenticator and the global guard every route passes. */
@Global()
@Module({})
export class AuthModule {
  static create(options: AuthOptions = {}): DynamicModule {
    return {
      module: AuthModule,
      imports: [DiscoveryModule],
      providers: [
        { provide: ApiKeyRegistry, useFactory: (pool: Pool, store: PgEventStore) => new ApiKeyRegistry(pool, store), inject: [Pool, PgEventStore] },
        { provide: ApiKeyAuthenticator, useFactory: (registry: ApiKeyRegistry) => new ApiKeyAuthenticator(registry, options.keyCacheTtlMs ?? 5_000), inject: [ApiKeyRegistry] },
        { provide: SharedRateLimiter, useFactory: (pool: Pool) => new SharedRateLimiter(pool, 'key', options.rateLimitPerMinute ?? 600, { leases: true }), inject: [Pool] },
        {
          provide: FailedAuthenticationLimiter,
          useFactory: (pool: Pool) => {
            const perMinute = options.failedAuthenticationsPerMinute ?? 30;
            return new FailedAuthenticationLimiter(perMinute, undefined, new SharedRateLimiter(pool, 'failed-authentication', perMinute));
          },
          inject: [Pool],
        },
        ApiKeyChangeListener,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        RouteInventory,
      ],
      exports: [ApiKeyRegistry, ApiKeyAuthenticator, RouteInventory],
    };
  }
}
