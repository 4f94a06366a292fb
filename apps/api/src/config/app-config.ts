import path from 'node:path';
import { z } from 'zod';

/** Environment variables the service reads; the README's configuration table mirrors this schema. */
export const AppConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** When unset, an embedded PostgreSQL is started in DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /** The application's own login (a member of claim_ledger_app); unset: the DATABASE_URL session switches to that role. */
  DATABASE_APP_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('./.data'),
  /** Port of the embedded PostgreSQL; 0 picks a free one at each start. */
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `host:port[,host:port]`. Unset: no relay (the outbox and the HTTP feed still work). */
  KAFKA_BROKERS: z
    .string()
    .regex(/^\s*$|^[^\s,:]+:\d{1,5}(\s*,\s*[^\s,:]+:\d{1,5})*\s*$/, 'a comma-separated list of host:port')
    .optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('claim-ledger'),
  /** Prepended to the topic names (e.g. `staging.`); empty in production. */
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/).default(''),
  /** Partitions of `claims.status.v1` / `claims.events.v1` when the relay creates them. */
  KAFKA_STATUS_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  KAFKA_EVENTS_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  /** `on`: the API process runs a feed relay when KAFKA_BROKERS is set; `off` leaves it to `apps/worker`. */
  FEED_RELAY: z.enum(['on', 'off']).default('on'),
  /** Seconds between SSE heartbeat comments on an idle stream. */
  FEED_HEARTBEAT_SECONDS: z.coerce.number().min(1).max(300).default(15),
  /** Open SSE streams per API key; the next is refused (429 TOO_MANY_STREAMS). */
  FEED_STREAMS_PER_KEY: z.coerce.number().int().min(1).max(10_000).default(5),
  /** Open SSE streams per API process; the next is refused (429 TOO_MANY_STREAMS). */
  FEED_STREAMS_MAX: z.coerce.number().int().min(1).max(100_000).default(200),
  /** Seconds between log checkpoints the API records when the log grew; 0: none (use `audit checkpoint`). */
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
  /** The transparency log's origin: the first line of every signed checkpoint (docs/transparency-log.md). */
  AUDIT_LOG_ORIGIN: z.string().regex(/^[^\s+]+$/, 'no spaces or "+"').default('claim-ledger.local/log'),
  /** The checkpoint signing key, `PRIVATE+KEY+<name>+<hex id>+<base64>` (`npm run cli -- audit keygen`). */
  AUDIT_SIGNING_KEY: z.string().min(1).optional(),
  /** A file holding that key (owner-only); the embedded default keeps one in DATA_DIR/audit-signing.key. */
  AUDIT_SIGNING_KEY_FILE: z.string().min(1).optional(),
  /** Comma-separated witness vkeys (type 0x04) whose cosignatures are accepted. */
  AUDIT_WITNESS_KEYS: z.string().optional(),
  /** The master key wrapping each confidential source's data key: base64 32 bytes (`npm run cli -- protection keygen`); docs/protection.md. */
  DATA_KEY_ENCRYPTION_KEY: z.string().min(1).optional(),
  /** For `protection rotate-master-key`: the key to re-wrap every data key with. */
  DATA_KEY_ENCRYPTION_KEY_NEW: z.string().min(1).optional(),
  /** Requests per minute per API key (token bucket, per process). */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** How long an API key is cached: the longest a revocation made elsewhere (CLI, another process) takes to apply. */
  API_KEY_CACHE_SECONDS: z.coerce.number().min(0).max(60).default(5),
  /** Failed authentications per minute per client address (token bucket, per process); beyond, 429 without a key lookup. */
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(30),
  /** With DATABASE_URL: create an admin key at start when no key exists yet (the embedded default always does). */
  BOOTSTRAP_ADMIN_KEY: z.enum(['true', 'false']).default('false'),
  /** The API's public address (`https://claims.example.org`): ClaimReview `url`s, the AsyncAPI HTTP server. Unset: taken from each request's Host. */
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The organisation that publishes the ClaimReviews (their `author`); docs/claim-review.md. */
  CLAIM_REVIEW_ORGANIZATION_NAME: z.string().trim().min(1).max(200).default('claim-ledger'),
  /** Its home page; unset: the public base URL. */
  CLAIM_REVIEW_ORGANIZATION_URL: z.url({ protocol: /^https?$/ }).optional(),
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
