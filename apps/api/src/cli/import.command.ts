import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { describeVerification, formatLogPosition, importLog, ImportRefused, readLines } from '@claims/event-store';
import { problemWithStoredEvent } from '@claims/contracts';
import { createProgress, type Progress } from '@claims/platform';
import { rebuildProjections } from '@claims/projections';
import type { CliCommand } from './cli-command';
import { CliUsageError, parseCliArgs, withOwnerPool } from './cli-options';
import { describeRebuild } from './projections.commands';

const USAGE = 'npm run cli -- import <file.ndjson | -> [--no-rebuild]';

export const importCommand: CliCommand = {
  path: ['import'],
  summary: 'import an export into an empty store (hashes checked first), then rebuild the projections',
  usage: USAGE,
  run: async (args, context) => {
    const { values, positionals } = parseCliArgs(args, USAGE, { 'no-rebuild': { type: 'boolean' } }, true);
    if (positionals.length !== 1) throw new CliUsageError(`give one file (or - for stdin)\nusage: ${USAGE}`);
    let file = positionals[0];
    let spooled: string | undefined;
    if (file === '-') {
      // The file is read twice (checked completely, then written): stdin goes to a temporary file first.
      spooled = await mkdtemp(path.join(tmpdir(), 'claim-ledger-import-'));
      file = path.join(spooled, 'stdin.ndjson');
      await pipeline(process.stdin, createWriteStream(file));
    }
    const progress: Record<string, Progress> = {};
    try {
      await withOwnerPool(context, async (pool) => {
        const result = await importLog(pool, () => readLines(createReadStream(file)), {
          onProgress: (phase, n) => (progress[phase] ??= createProgress({ label: phase === 'check' ? 'import: check' : 'import: write' })).add(n),
          checkPayload: (event) => problemWithStoredEvent(event.streamId, event),
        });
        for (const bar of Object.values(progress)) bar.done();
        context.print(`imported ${result.events.toLocaleString('en-US')} events in ${result.streams.toLocaleString('en-US')} streams (exported up to ${result.upTo})`);
        context.print(describeVerification(result.verification));
        if (!result.verification.intact) return;
        if (values['no-rebuild']) {
          context.print('projections not rebuilt: run `npm run cli -- projections rebuild`');
          return;
        }
        let bar: Progress | undefined;
        const report = await rebuildProjections(pool, {
          onStart: ({ total }) => {
            bar = createProgress({ label: 'rebuild', total });
          },
          onProgress: (n) => bar?.add(n),
        });
        bar?.done();
        for (const line of describeRebuild(report)) context.print(line);
        context.print(`store ready at position ${formatLogPosition(result.verification.checkedUpTo)}`);
      });
    } catch (error) {
      if (error instanceof ImportRefused) throw new CliUsageError(`import refused, nothing written: ${error.message}`, 1);
      throw error;
    } finally {
      if (spooled) await rm(spooled, { recursive: true, force: true });
    }
  },
};
