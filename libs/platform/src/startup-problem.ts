import { redactUrl } from './databases';

/**
 * A start-up failure the operator fixes in the configuration or the environment (a bad variable, a database
 * that cannot be reached or refuses the login): reported as one sentence, without a stack trace, which
 * would only bury the sentence. Anything else that fails at start is a bug and keeps its stack.
 */
export class StartupProblem extends Error {
  override readonly name = 'StartupProblem';
}

// Node's socket errors a wrong host or port produces, with what they mean to someone editing DATABASE_URL.
const SOCKET_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (no server listening there)',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset by the server',
};

// SQLSTATEs of a login PostgreSQL refuses; its own message names the role or database.
const LOGIN_ERRORS = new Set([
  '28P01', // invalid_password
  '28000', // invalid_authorization_specification: unknown role, no pg_hba.conf entry
  '3D000', // invalid_catalog_name: the database does not exist
  '42501', // insufficient_privilege: e.g. no CONNECT on the database
  '53300', // too_many_connections
  '57P03', // cannot_connect_now: starting up or shutting down
]);

/**
 * Why a connection attempt failed, as a short sentence, when the cause is the server's address or the
 * login (what DATABASE_URL says); `undefined` for anything else.
 */
export const connectionProblem = (error: unknown): string | undefined => {
  if (!(error instanceof Error)) return undefined;
  const { code } = error as NodeJS.ErrnoException;
  if (code && SOCKET_ERRORS[code]) return SOCKET_ERRORS[code];
  if (code && LOGIN_ERRORS.has(code)) return error.message;
  // Node reports both attempts of a name with several addresses (localhost: ::1 and 127.0.0.1) together.
  if (error instanceof AggregateError) return error.errors.map(connectionProblem).find((reason) => reason !== undefined);
  // pg's own refusal before it talks to the server, e.g. SCRAM without a password in the URL.
  if (/^SASL: /.test(error.message)) return error.message;
  return undefined;
};

/**
 * The line to print when a process fails to start, and whether the stack belongs with it: a
 * {@link StartupProblem} or a connection problem is one line; an unexpected error keeps its stack.
 */
export const describeStartupFailure = (error: unknown): { line: string; stack?: string } => {
  if (error instanceof StartupProblem) return { line: error.message };
  const reason = connectionProblem(error);
  if (reason) return { line: `cannot connect to PostgreSQL: ${reason}` };
  if (error instanceof Error) return { line: error.message, stack: error.stack };
  return { line: String(error) };
};

/** Runs a configuration loader; its refusal (every invalid variable named) becomes a {@link StartupProblem}. */
export const loadConfiguration = <T>(load: () => T): T => {
  try {
    return load();
  } catch (error) {
    throw new StartupProblem(error instanceof Error ? error.message : String(error));
  }
};

/** For a process's `main().catch(...)`: prints `<service> failed to start: <line>` (and a bug's stack) on stderr, exits 1. */
export const exitOnStartupFailure =
  (service: string) =>
  (error: unknown): never => {
    const { line, stack } = describeStartupFailure(error);
    console.error(`${service} failed to start: ${line}${stack ? `\n${stack}` : ''}`);
    process.exit(1);
  };

/**
 * Runs the first work on a connection; a connection problem (see {@link connectionProblem}) becomes a
 * {@link StartupProblem} naming the server (password masked) and the variable that configures it.
 */
export const explainingConnectionProblems = async <T>(url: string, variable: string, work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    const reason = connectionProblem(error);
    if (reason) throw new StartupProblem(`cannot connect to PostgreSQL at ${redactUrl(url)} (${variable}): ${reason}`);
    throw error;
  }
};
