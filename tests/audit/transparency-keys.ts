import { parseNoteSigningKey, parseVerifierKey } from '@claims/event-store';
import type { AuditOptions } from '../../apps/api/src/audit/checkpoint-scheduler';

// Fixed keys for tests only (never configure them anywhere else): the log's checkpoint key and one witness.
export const TEST_LOG_ORIGIN = 'claim-ledger.test/log';
export const TEST_LOG_SIGNING_KEY = 'PRIVATE+KEY+claim-ledger.test/log+2af276ac+AZT+Kyl/3peqNAKiPG8z0ZMXUsNqeX2A7kr2HbvkAkKr';
export const TEST_LOG_VERIFIER_KEY = 'claim-ledger.test/log+2af276ac+AQWLlxmDOIsqQWPolObgAhBoe4TSO3+iK2ditRuNiqTc';
export const TEST_WITNESS_SIGNING_KEY = 'PRIVATE+KEY+witness.test/w1+36899558+BOO/CVeaDOTg5rR2MWIdMR7opfLyieGubNNSWGRCUvhj';
export const TEST_WITNESS_VERIFIER_KEY = 'witness.test/w1+36899558+BM6HYAPEiA7OAk+4WZegbPwYr/ue/Ak5b622AqwOclwD';

/** The audit options `startApiTestApp` gives the API unless a test passes its own: signed checkpoints, one known witness. */
export const testAuditOptions = (): AuditOptions => ({
  signing: { origin: TEST_LOG_ORIGIN, signer: parseNoteSigningKey(TEST_LOG_SIGNING_KEY) },
  witnessKeys: [parseVerifierKey(TEST_WITNESS_VERIFIER_KEY)],
});
