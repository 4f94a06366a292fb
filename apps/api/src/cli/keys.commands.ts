import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ApiKeyRole, CreateApiKeyRequest, RevokeApiKeyRequest } from '@claims/contracts';
import { DomainError } from '@claims/domain';
import { PgEventStore } from '@claims/event-store';
import { toApiKeyResponse } from '../auth/api-key.projection';
import { ApiKeyRegistry, type KeyChangeContext } from '../auth/api-key.registry';
import type { CliCommand, CliContext } from './cli-command';

/** A mistake the user can fix; the CLI prints the message and exits with `exitCode` (2: wrong usage). */
class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who acts from the command line: recorded as the actor of the events it writes. */
const cliActor = (): { id: string; name: string } => {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? 'unknown';
  }
  return { id: `cli:${user}`.slice(0, 128), name: `command line (${user})`.slice(0, 200) };
};

const changeContext = (): KeyChangeContext => ({ now: new Date(), metadata: { actor: cliActor(), correlationId: randomUUID() } });

const parse = (args: string[], usage: string, options: NonNullable<ParseArgsConfig['options']>, allowPositionals = false) => {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new CommandError(`${error instanceof Error ? error.message : String(error)}\nusage: ${usage}`);
  }
};

/** `2027-01-01` means the start of that day, UTC; a full instant is taken as given. */
const parseExpiry = (value: string): string => {
  const instant = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  if (Number.isNaN(Date.parse(instant))) throw new CommandError(`--expires must be a date (2027-01-01) or an instant (2027-01-01T12:00:00Z), not ${value}`);
  return new Date(instant).toISOString();
};

/** Runs `work` with the registry over the CLI's database; rule violations become plain messages. */
const withRegistry = async <T>(context: CliContext, work: (registry: ApiKeyRegistry) => Promise<T>): Promise<T> => {
  const database = await context.database();
  const store = new PgEventStore({ pool: database.pool });
  try {
    return await work(new ApiKeyRegistry(database.pool, store));
  } catch (error) {
    if (error instanceof DomainError) throw new CommandError(`${error.message} (${error.code})`, 1);
    throw error;
  } finally {
    await store.close();
  }
};

const CREATE_USAGE = 'keys create --name <name> --role <role> [--expires <date|instant>] [--json]';
const REVOKE_USAGE = 'keys revoke <key id> [--reason <text>]';

/** `keys create | list | revoke`: the same decider and projection as `/admin/api-keys`. */
export const keysCommands: CliCommand[] = [
  {
    path: ['keys', 'create'],
    summary: `create an API key (roles: ${ApiKeyRole.options.join(', ')}); prints the key once`,
    usage: '--name <name> --role <role> [--expires <date|instant>] [--json]',
    run: async (args, context) => {
      const values = parse(args, CREATE_USAGE, { name: { type: 'string' }, role: { type: 'string' }, expires: { type: 'string' }, json: { type: 'boolean' } })
        .values as { name?: string; role?: string; expires?: string; json?: boolean };
      const parsed = CreateApiKeyRequest.safeParse({ name: values.name, role: values.role, ...(values.expires ? { expiresAt: parseExpiry(values.expires) } : {}) });
      if (!parsed.success) {
        const option = (path: PropertyKey[]) => `--${path[0] === 'expiresAt' ? 'expires' : String(path[0] ?? '')}`;
        throw new CommandError(`${parsed.error.issues.map((issue) => `${option(issue.path)}: ${issue.message}`).join('; ')}\nusage: ${CREATE_USAGE}`);
      }
      const { record, secret } = await withRegistry(context, (registry) => registry.issue(parsed.data, changeContext()));
      const key = { ...toApiKeyResponse(record, new Date()), secret };
      if (values.json) {
        context.print(JSON.stringify(key));
      } else {
        context.print(`created API key ${key.id} (${key.role}, "${key.name}"${key.expiresAt ? `, expires ${key.expiresAt}` : ''})`);
        context.print(`  key: ${secret}`);
        context.print('save it now: it will not be shown again');
      }
    },
  },
  {
    path: ['keys', 'list'],
    summary: 'list every API key, without secrets',
    usage: '[--json]',
    run: async (args, context) => {
      const { values } = parse(args, 'keys list [--json]', { json: { type: 'boolean' } });
      const now = new Date();
      const keys = (await withRegistry(context, (registry) => registry.list())).map((record) => toApiKeyResponse(record, now));
      if (values.json) {
        context.print(JSON.stringify(keys));
        return;
      }
      const rows = [
        ['ID', 'PREFIX', 'ROLE', 'STATUS', 'NAME', 'CREATED', 'EXPIRES', 'LAST USED'],
        ...keys.map((key) => [key.id, key.prefix, key.role, key.status, key.name, key.createdAt, key.expiresAt ?? '-', key.lastUsedAt ?? '-']),
      ];
      const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
      for (const row of rows) context.print(row.map((value, column) => value.padEnd(widths[column])).join('  ').trimEnd());
      if (keys.length === 0) context.print('(no keys)');
    },
  },
  {
    path: ['keys', 'revoke'],
    summary: 'revoke an API key; every API process refuses it within API_KEY_CACHE_SECONDS',
    usage: '<key id> [--reason <text>]',
    run: async (args, context) => {
      const { values, positionals } = parse(args, REVOKE_USAGE, { reason: { type: 'string' } }, true);
      const [keyId, ...extra] = positionals;
      if (!keyId || extra.length > 0 || !UUID.test(keyId)) throw new CommandError(`give exactly one key id (a UUID, see \`keys list\`)\nusage: ${REVOKE_USAGE}`);
      const reason = values.reason as string | undefined;
      const body = RevokeApiKeyRequest.safeParse(reason !== undefined ? { reason } : {});
      if (!body.success) throw new CommandError(`--reason: ${body.error.issues[0]?.message}`);
      const record = await withRegistry(context, (registry) => registry.revoke(keyId.toLowerCase(), body.data.reason, changeContext()));
      context.print(`revoked API key ${record.keyId} ("${record.name}") at ${record.revokedAt?.toISOString()}`);
    },
  },
];
