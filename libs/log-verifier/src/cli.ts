import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { UsageError, VerificationFailed } from './errors';
import { describeResult, verifyAuditEvidence } from './verify';

const USAGE = `usage: npm run verify -- --checkpoint <cp.txt> --key <verifier key | key file>
         [--export <claim.ndjson>] [--previous <cp-old.txt>] [--consistency <proof.json>] [--origin <origin>] [--json]

  --checkpoint   the signed checkpoint note (or the JSON of GET /audit/checkpoints/latest)
  --key          the log's verifier key <name>+<key id>+<key>, or a file holding it (or GET /audit/public-key's JSON)
  --export       a claim export made against that checkpoint: checks every event's inclusion and every stream's chain
  --previous     an earlier signed checkpoint: checks the log only grew from it to --checkpoint
  --consistency  the consistency proof (GET /audit/proofs/consistency's JSON) when the export does not carry it
  --origin       the origin the checkpoints must name (default: the key's name)
  --json         print the result as JSON on stdout

Exit status: 0 verified, 1 a check failed, 2 usage error (nothing was checked).`;

export interface CliOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

const readText = (path: string, what: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
};

const parseJson = (text: string, what: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`the ${what} is not JSON`);
  }
};

/**
 * A checkpoint as saved by an auditor: the note itself, or the server's checkpoint JSON with its `note`.
 * Newlines at the very end are normalised to one (`echo`, `jq -r` and editors add or drop them); that part of
 * the file is after the last signature line, outside the signed text, so it cannot change what is proved.
 */
const readNoteFile = (path: string, what: string): string => {
  const text = readText(path, what);
  const note = text.trimStart().startsWith('{') ? (parseJson(text, what) as { note?: unknown }).note : text;
  if (note === null) throw new UsageError(`the ${what} ${path} is unsigned ("note" is null: the server has no signing key)`);
  if (typeof note !== 'string') throw new UsageError(`the ${what} ${path} is JSON without a "note" string`);
  return `${note.replace(/\n+$/, '')}\n`;
};

/** The key itself, or a file holding it as text or as `{ "verifierKey": ... }`. */
const readKey = (value: string): string => {
  if (!existsSync(value)) return value.trim();
  const text = readText(value, 'key file').trim();
  if (!text.startsWith('{')) return text;
  const key = (parseJson(text, 'key file') as { verifierKey?: unknown }).verifierKey;
  if (typeof key !== 'string') throw new UsageError(`the key file ${value} is JSON without a "verifierKey" string`);
  return key;
};

async function* exportLines(path: string): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (error: NodeJS.ErrnoException) => reject(new UsageError(`cannot read the export ${path}: ${error.code ?? error.message}`)));
  });
  await opened;
  yield* createInterface({ input: stream, crlfDelay: Infinity });
}

/** Runs the verifier with command-line arguments; resolves to the exit status. */
export const runVerifierCli = async (argv: readonly string[], output: CliOutput): Promise<number> => {
  let json = false;
  try {
    const { values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        checkpoint: { type: 'string' },
        key: { type: 'string' },
        export: { type: 'string' },
        previous: { type: 'string' },
        consistency: { type: 'string' },
        origin: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    json = values.json === true;
    if (values.help) {
      output.out(USAGE);
      return 0;
    }
    if (!values.checkpoint || !values.key) throw new UsageError('--checkpoint and --key are required');
    const result = await verifyAuditEvidence({
      checkpoint: readNoteFile(values.checkpoint, 'checkpoint'),
      verifierKey: readKey(values.key),
      ...(values.origin !== undefined ? { origin: values.origin } : {}),
      ...(values.export !== undefined ? { exportLines: exportLines(values.export) } : {}),
      ...(values.previous !== undefined ? { previous: readNoteFile(values.previous, 'earlier checkpoint') } : {}),
      ...(values.consistency !== undefined ? { consistency: parseJson(readText(values.consistency, 'consistency proof'), 'consistency proof') } : {}),
    });
    const summary = describeResult(result);
    output.out(json ? JSON.stringify({ verified: true, summary, ...result }) : summary);
    return 0;
  } catch (error) {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const message = error instanceof Error ? error.message : String(error);
    if (json) output.out(JSON.stringify({ verified: false, check: error instanceof VerificationFailed ? error.check : usage ? 'usage' : 'internal', failure: message }));
    if (usage) {
      output.err(`usage error: ${message}`);
      output.err(USAGE);
      return 2;
    }
    output.err(`FAILED: ${error instanceof VerificationFailed ? message : `the verifier could not finish: ${message}`}`);
    return 1;
  }
};

if (require.main === module) {
  void runVerifierCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  }).then((status) => {
    process.exitCode = status;
  });
}
