import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { formatFieldPath, HttpProblem } from './problem';

/**
 * Validates (and coerces) a request part with its zod schema from libs/contracts. Failures become a
 * 400 problem naming every offending field; query and path fields are prefixed (`query.limit`).
 */
@Injectable()
export class ZodValidationPipe<Schema extends z.ZodType> implements PipeTransform<unknown, z.infer<Schema>> {
  constructor(readonly schema: Schema) {}

  transform(value: unknown, metadata: ArgumentMetadata): z.infer<Schema> {
    const parsed = this.schema.safeParse(value ?? (metadata.type === 'body' ? undefined : {}));
    if (parsed.success) return parsed.data;
    const prefix = metadata.type === 'query' ? 'query' : metadata.type === 'param' ? 'path' : undefined;
    // An unknown field is named itself (`report.extra`), not the object that holds it.
    const errors = parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ field: formatFieldPath([...issue.path, key], prefix), message: 'unknown field' }))
        : [{ field: formatFieldPath(issue.path, prefix), message: issue.message }],
    );
    throw validationFailed(errors);
  }
}

/** The 400 problem of a request that fails validation: every offending field, the first one as `field`. */
export const validationFailed = (errors: ReadonlyArray<{ field: string; message: string }>): HttpProblem =>
  new HttpProblem(400, 'VALIDATION_FAILED', 'The request is not valid', errors.map((error) => `${error.field}: ${error.message}`).join('; '), {
    field: errors[0]?.field,
    errors: [...errors],
  });
