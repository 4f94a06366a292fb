import { SetMetadata } from '@nestjs/common';
import type { Permission } from '@claims/domain';

export const PERMISSION_METADATA = 'claim-ledger:permission';
export const PUBLIC_METADATA = 'claim-ledger:public';

/** The one permission a route needs; the roles holding it are in `ROLE_PERMISSIONS` (libs/domain). */
export const RequirePermission = (permission: Permission) => SetMetadata(PERMISSION_METADATA, permission);

/** A route anyone may call without a key (health, the API description). Use sparingly. */
export const Public = () => SetMetadata(PUBLIC_METADATA, true);

export const KEY_IN_QUERY_METADATA = 'claim-ledger:key-in-query';

/**
 * The route also takes the key as `?access_token=<key>` when no Authorization header is sent: only for a
 * stream a browser opens with EventSource, which cannot send headers. A key in a URL can end up in proxy
 * logs and browser history, so no other route accepts it (the access log never records query strings).
 */
export const AcceptsKeyInQuery = () => SetMetadata(KEY_IN_QUERY_METADATA, true);

/** How a route is classified: public, one permission, or not at all (refused to everyone). */
export type RouteAccess = { kind: 'public' } | { kind: 'permission'; permission: Permission } | { kind: 'unclassified' };
