import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/**
 * A zod schema as the JSON Schema an AsyncAPI 3.0 document embeds. AsyncAPI's default schema format is a
 * superset of JSON Schema draft-07, so the conversion targets draft-07 (not zod's default 2020-12); the
 * `$schema` keyword is dropped because the document's `schemaFormat` already says which dialect it is.
 * `output`: a message is what the application wrote; `input`: what it accepts (query parameters).
 */
export const asyncApiSchema = (schema: z.ZodType, io: 'input' | 'output' = 'output'): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};
