import { parseArgs } from 'node:util';
import { createProgress } from '../../libs/platform/src/progress';
import { DEFAULT_SEED_FILE, readSeedDataset, runSeed } from './seed-loader';

// `npm run seed [-- --url <api> --key <api key> --file <dataset.json>]`: loads the seed dataset through the
// public HTTP API, as a user would. Running it again with the same key changes nothing.

const USAGE = `usage: npm run seed -- [--url <api url>] [--key <api key>] [--file <dataset.json>]

  --url   the API (default http://localhost:\${PORT:-3000})
  --key   an API key with the editor role (default: $CLAIM_LEDGER_API_KEY)
  --file  the dataset (default ${DEFAULT_SEED_FILE})`;

const main = async (): Promise<number> => {
  let values: { url?: string; key?: string; file?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { url: { type: 'string' }, key: { type: 'string' }, file: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const baseUrl = values.url ?? `http://localhost:${process.env.PORT || '3000'}`;
  const apiKey = values.key ?? process.env.CLAIM_LEDGER_API_KEY;
  const file = values.file ?? DEFAULT_SEED_FILE;
  const dataset = await readSeedDataset(file);
  if (!apiKey) console.warn('no API key (--key or CLAIM_LEDGER_API_KEY): the API will most likely answer 401');

  const progress = createProgress({ label: `seed ${dataset.id}`, total: dataset.steps.length, unit: 'steps', intervalSeconds: 1 });
  const result = await runSeed({ baseUrl, apiKey, dataset, progress });
  console.log(
    `seeded ${dataset.id} into ${baseUrl}: ${result.steps} steps, ${result.created} created, ${result.alreadyPresent} already present ` +
      `(${Object.keys(result.sourceIds).length} sources, ${Object.keys(result.claimIds).length} claims)`,
  );
  return 0;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`seed failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
