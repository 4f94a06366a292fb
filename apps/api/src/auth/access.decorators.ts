import { SetMetadata } from '@nestjs/common';
import type { Permission } from '@claims/domain';

export const PERMISSION_METADATA = 'claim-ledger:permission';
export const PUBLIC_METADATA = 'claim-ledger:public';

/** The one permission a route needs; the roles holding it are in `ROLE_PERMISSIONS` (libs/domain). */
export const RequirePermission = (permission: Permission) => SetMetadata(PERMISSION_METADATA, permission);

/** A route anyone may call without a key (health, the API description). Use sparingly. */
export const Public = () => SetMetadata(PUBLIC_METADATA, true);

/** How a route is classified: public, one permission, or not at all (refused to everyone). */
export type RouteAccess = { kind: 'public' } | { kind: 'permission'; permission: Permission } | { kind: 'unclassified' };
