import { z } from 'zod';

/** Environment of the relay worker: the same names as the API's, but PostgreSQL and Kafka are required. */
export const WorkerConfigSchema = z.object({
  /** The owner's URL: migrations run with it. */
  DATABASE_URL: z.string().url(),
  /** The application role's own login (see README "Database roles"); unset: the owner switched to that role. */
  DATABASE_APP_URL: z.string().url().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(4),
  KAFKA_BROKERS: z.string().regex(/^\s*[^\s,:]+:\d{1,5}(\s*,\s*[^\s,:]+:\d{1,5})*\s*$/, 'a comma-separated list of host:port'),
  KAFKA_CLIENT_ID: z.string().min(1).default('claim-ledger-worker'),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/).default(''),
  KAFKA_STATUS_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  KAFKA_EVENTS_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  /** Relay batch size (messages per Kafka request). */
  FEED_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type WorkerConfig = z.infer<typeof WorkerConfigSchema>;

export const loadWorkerConfig = (env: NodeJS.ProcessEnv = process.env): WorkerConfig => {
  const parsed = WorkerConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
};
