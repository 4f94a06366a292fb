import { parseMasterKey } from '@claims/platform';
import type { ProtectionOptions } from '../../apps/api/src/protection/protection.options';

// Fixed master keys for tests only (never configure them anywhere else).
export const TEST_MASTER_KEY = Buffer.alloc(32, 0x4b).toString('base64');
export const TEST_NEXT_MASTER_KEY = Buffer.alloc(32, 0x4e).toString('base64');

/** The protection options `startApiTestApp` gives the API unless a test passes its own. */
export const testProtectionOptions = (key = TEST_MASTER_KEY): ProtectionOptions => ({ masterKey: parseMasterKey(key, 'DATA_KEY_ENCRYPTION_KEY') });
