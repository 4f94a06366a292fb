import { Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { Permission } from '@claims/domain';
import { PERMISSION_METADATA, PUBLIC_METADATA, type RouteAccess } from './access.decorators';

// Type-only use of Function, as Nest's own reflector signatures take it.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Target = Function;

/** A route's access rule: the handler's declaration wins over its controller's. */
export const routeAccessOf = (reflector: Reflector, handler: Target, controller: Target): RouteAccess => {
  if (reflector.getAllAndOverride<boolean | undefined>(PUBLIC_METADATA, [handler, controller])) return { kind: 'public' };
  const permission = reflector.getAllAndOverride<Permission | undefined>(PERMISSION_METADATA, [handler, controller]);
  return permission ? { kind: 'permission', permission } : { kind: 'unclassified' };
};

export interface RouteDescription {
  method: string;
  /** Express-style, e.g. `/claims/:claimId/reports`. */
  path: string;
  handler: string;
  access: RouteAccess;
}

const joinPath = (...parts: string[]): string => `/${parts.flatMap((part) => part.split('/')).filter(Boolean).join('/')}`;
const asList = (value: string | string[] | undefined): string[] => (Array.isArray(value) ? value : [value ?? '']);

/** Every route of the application's controllers with its access rule (for tests and diagnostics). */
export const describeRoutes = (discovery: DiscoveryService, scanner: MetadataScanner, reflector: Reflector): RouteDescription[] => {
  const routes: RouteDescription[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as Target | undefined;
    const instance = wrapper.instance as object | undefined;
    if (!controller || !instance) continue;
    const prototype = Object.getPrototypeOf(instance);
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[methodName] as Target;
      const methodPath = reflector.get<string | string[] | undefined>(PATH_METADATA, handler);
      if (methodPath === undefined) continue;
      const method = RequestMethod[reflector.get<RequestMethod>(METHOD_METADATA, handler) ?? RequestMethod.GET];
      for (const base of asList(reflector.get<string | string[] | undefined>(PATH_METADATA, controller))) {
        for (const sub of asList(methodPath)) {
          routes.push({ method, path: joinPath(base, sub), handler: `${controller.name}.${methodName}`, access: routeAccessOf(reflector, handler, controller) });
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
};

/** The route list of the running application. */
@Injectable()
export class RouteInventory {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  list(): RouteDescription[] {
    return describeRoutes(this.discovery, this.scanner, this.reflector);
  }
}
