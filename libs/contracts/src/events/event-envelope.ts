import { z } from 'zod';

/**
 * An event schema: `{ type, data }`. The envelope is deliberately not strict: stores attach their own
 * `metadata` (positions, ids), which parsing strips; each `data` schema is strict.
 */
export const defineEvent = <Type extends string, Data extends z.ZodType>(type: Type, data: Data) =>
  z.object({ type: z.literal(type), data });
