import type { MasterKey } from '@claims/platform';

/** The master key this process wraps data keys with; none: confidential sources are refused (docs/protection.md). */
export interface ProtectionOptions {
  masterKey?: MasterKey;
}

export const PROTECTION_OPTIONS = Symbol('PROTECTION_OPTIONS');
