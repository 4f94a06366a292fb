import { z } from 'zod';

/** The metrics listener's variables, shared by the API and the worker. `METRICS_PORT=0` turns it off. */
export const MetricsConfigSchema = z.object({
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
});

export type MetricsConfig = z.infer<typeof MetricsConfigSchema>;

/** Where to listen, or undefined when the listener is off. */
export const metricsListenOptions = (config: MetricsConfig): { host: string; port: number } | undefined =>
  config.METRICS_PORT === 0 ? undefined : { host: config.METRICS_HOST, port: config.METRICS_PORT };

export const loadMetricsConfig = (env: NodeJS.ProcessEnv = process.env): MetricsConfig => {
  const parsed = MetricsConfigSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data;
};
