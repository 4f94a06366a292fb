/** The slice of a pino-style logger the store uses; pass the application's logger to route its lines. */
export interface EventStoreLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

const write = (level: string) => (fields: Record<string, unknown>, message: string) =>
  process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), component: 'event-store', msg: message, ...fields })}\n`);

/** JSON lines on stderr for warnings and errors; routine info is dropped. */
export const stderrLogger: EventStoreLogger = { info: () => undefined, warn: write('warn'), error: write('error') };
