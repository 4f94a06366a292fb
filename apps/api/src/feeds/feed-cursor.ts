import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { FeedLogPosition } from '@claims/contracts';
import { type LogPosition, parseLogPosition } from '@claims/event-store';
import { HttpProblem } from '../http/problem';
import { ZodValidationPipe } from '../http/zod-validation.pipe';

const invalidCursor = (field: string): HttpProblem =>
  new HttpProblem(400, 'INVALID_CURSOR', 'The feed position is not valid', `${field} must be a position this feed returned, e.g. "812-40"`, { field });

/**
 * A feed position from the client (`after`, `Last-Event-ID`), checked against the same bounds as the
 * contract's `FeedLogPosition`, so it cannot fail in SQL later. Undefined when absent.
 */
export const parseFeedCursor = (value: string | undefined, field: string): LogPosition | undefined => {
  if (value === undefined || value === '') return undefined;
  const trimmed = value.trim();
  const position = FeedLogPosition.safeParse(trimmed).success ? parseLogPosition(trimmed) : undefined;
  if (!position) throw invalidCursor(field);
  return position;
};

/** Validates a feed query with its schema; a bad `after` is the feed's `INVALID_CURSOR`, like a bad `Last-Event-ID`. */
@Injectable()
export class FeedQueryPipe<Schema extends z.ZodType> implements PipeTransform<unknown, z.infer<Schema>> {
  private readonly validation: ZodValidationPipe<Schema>;

  constructor(schema: Schema) {
    this.validation = new ZodValidationPipe(schema);
  }

  transform(value: unknown, metadata: ArgumentMetadata): z.infer<Schema> {
    try {
      return this.validation.transform(value, metadata);
    } catch (error) {
      if (error instanceof HttpProblem && error.extra.errors?.some((fault) => fault.field === 'query.after')) throw invalidCursor('query.after');
      throw error;
    }
  }
}
