/** The slice of a pino-style logger the feed uses (the application's pino logger fits). */
export interface FeedLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

const write = (level: string) => (fields: Record<string, unknown>, message: string) =>
  process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), component: 'feed', msg: message, ...fields })}\n`);

/** JSON lines on stderr for warnings and errors; routine info is dropped. */
export const stderrFeedLogger: FeedLogger = { info: () => undefined, warn: write('warn'), error: write('error') };
