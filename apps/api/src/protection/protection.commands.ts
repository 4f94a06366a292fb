import { generateMasterKey, loadMasterKey, parseMasterKey, StartupProblem } from '@claims/platform';
import type { CliCommand } from '../cli/cli-command';
import { CliUsageError, parseCliArgs } from '../cli/cli-options';
import { rewrapAllKeys, WrongMasterKey } from './subject-data-keys';

const KEYGEN_USAGE = 'npm run cli -- protection keygen';
const ROTATE_USAGE = 'npm run cli -- protection rotate-master-key --new-key <base64> (or DATA_KEY_ENCRYPTION_KEY_NEW)';

export const protectionKeygenCommand: CliCommand = {
  path: ['protection', 'keygen'],
  summary: 'print a new master key for DATA_KEY_ENCRYPTION_KEY (base64, 32 bytes); keep it out of the log and of backups of the database',
  usage: KEYGEN_USAGE,
  run: async (args, context) => {
    parseCliArgs(args, KEYGEN_USAGE, {});
    context.print(generateMasterKey());
  },
};

/**
 * Re-wraps every data key with the new master key in one transaction; no event is rewritten. Afterwards
 * start the processes with DATA_KEY_ENCRYPTION_KEY set to the new key (the old one opens nothing then).
 */
export const rotateMasterKeyCommand: CliCommand = {
  path: ['protection', 'rotate-master-key'],
  summary: 'rotate the master key: re-wrap every data key (the log is untouched)',
  usage: ROTATE_USAGE,
  run: async (args, context) => {
    const { values } = parseCliArgs(args, ROTATE_USAGE, { 'new-key': { type: 'string' } });
    const text = values['new-key'] ?? context.config.DATA_KEY_ENCRYPTION_KEY_NEW;
    if (!text) throw new CliUsageError(`give the new key\nusage: ${ROTATE_USAGE}`);
    const next = parseMasterKey(text, values['new-key'] ? '--new-key' : 'DATA_KEY_ENCRYPTION_KEY_NEW');
    const current = await loadMasterKey(context.config);
    if (!current) throw new StartupProblem('DATA_KEY_ENCRYPTION_KEY: the current master key is needed to unwrap the data keys');
    const { pool } = await context.database();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const count = await rewrapAllKeys(client, current, next);
      await client.query('COMMIT');
      context.print(`re-wrapped ${count} data key${count === 1 ? '' : 's'} from master key ${current.id} to ${next.id}; now set DATA_KEY_ENCRYPTION_KEY to the new key`);
    } catch (error) {
      await client.query('ROLLBACK');
      if (error instanceof WrongMasterKey) throw new CliUsageError(error.message, 1);
      throw error;
    } finally {
      client.release();
    }
  },
};

export const protectionCommands: CliCommand[] = [protectionKeygenCommand, rotateMasterKeyCommand];
