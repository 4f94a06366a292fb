import { z } from 'zod';

/**
 * A JSON value sealed with its subject's data key (AES-256-GCM, subject and field as additional data;
 * libs/platform field-encryption). The log and its hash chain hold only this: erasing the key (crypto-
 * shredding) makes the value unreadable without changing a stored byte.
 */
export const SealedValueSchema = z.strictObject({
  sealed: z.literal('aes-256-gcm/v1'),
  // The subject's id (a source id), checked again as additional data when opening.
  subject: z.string().min(1).max(128),
  iv: z.base64().min(16).max(16),
  ciphertext: z.base64().min(4).max(20_000),
  tag: z.base64().min(24).max(24),
});
export type SealedValueSchema = z.infer<typeof SealedValueSchema>;
