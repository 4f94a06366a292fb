import path from 'node:path';
import { z } from 'zod';

/** Environment variables the service reads; the README's configuration table mirrors this schema. */
export const AppConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** When unset, an embedded PostgreSQL is started in DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('./.data'),
  /** Port of the embedded PostgreSQL; 0 picks a free one at each start. */
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type AppConfig = z.infer<typeof AppConfigSchema> & { dataDir: string };

/** Parses the environment, failing fast with every invalid variable named. */
export const loadAppConfig = (env: NodeJS.ProcessEnv = process.env): AppConfig => {
  const parsed = AppConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.DATA_DIR) };
};
