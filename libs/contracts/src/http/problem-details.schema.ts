import { z } from 'zod';

/** One invalid input: a dotted path into the request (`reports[0].sourceId`, `query.limit`, `header.if-match`). */
export const FieldErrorSchema = z.object({
  field: z.string(),
  message: z.string(),
});

/** RFC 9457 problem details, as every error response of the API carries them (`application/problem+json`). */
export const ProblemDetailsSchema = z
  .object({
    type: z.string().describe('A URI naming the kind of problem'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional().describe('The request path'),
    code: z.string().describe('Stable, machine-readable error code, e.g. CLAIM_NOT_FOUND'),
    field: z.string().optional().describe('The offending input, when one input is at fault'),
    errors: z.array(FieldErrorSchema).optional().describe('Every offending input, for validation failures'),
    requestId: z.string().optional(),
  })
  .passthrough();

export type FieldError = z.infer<typeof FieldErrorSchema>;
export type ProblemDetails = z.infer<typeof ProblemDetailsSchema>;
