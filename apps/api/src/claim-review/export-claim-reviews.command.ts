import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Verdict } from '@claims/contracts';
import type { CliCommand } from '../cli/cli-command';
import { CliUsageError, parseCliArgs } from '../cli/cli-options';
import { toClaimReview } from './claim-review.mapper';
import { claimReviewOptionsFrom, reviewPublisher } from './claim-review.options';
import { readVerdictClaims } from './claim-review.reader';
import { publicBaseUrl } from './public-base-url';

const USAGE = 'npm run cli -- export claim-reviews [--status <verdict>] [--output <file>]   (NDJSON, one ClaimReview per line, to stdout by default)';

/** `export claim-reviews`: what `GET /claim-reviews` answers, for a file or a pipe (no API needed). */
export const exportClaimReviewsCommand: CliCommand = {
  path: ['export', 'claim-reviews'],
  summary: 'export every claim with a verdict as schema.org ClaimReview JSON-LD, one per line (NDJSON)',
  usage: USAGE,
  run: async (args, context) => {
    const { values } = parseCliArgs(args, USAGE, { status: { type: 'string' }, output: { type: 'string', short: 'o' } });
    const status = values.status === undefined ? undefined : Verdict.safeParse(values.status);
    if (status && !status.success) throw new CliUsageError(`--status must be one of ${Verdict.options.join(', ')}\nusage: ${USAGE}`);
    const options = claimReviewOptionsFrom(context.config);
    // Without PUBLIC_BASE_URL there is no request to take the address from: the local server's.
    const publisher = reviewPublisher(options, publicBaseUrl(options.publicBaseUrl ?? `http://localhost:${context.config.PORT}`));
    const { pool } = await context.database();
    const output = values.output ? createWriteStream(values.output) : process.stdout;
    let count = 0;
    for await (const { claim, sources } of readVerdictClaims(pool, status?.data)) {
      const review = toClaimReview(claim, { organization: publisher.organization, claimUrl: publisher.claimUrl(claim.claimId), sources });
      if (!review) continue;
      count++;
      if (!output.write(`${JSON.stringify(review)}\n`)) await once(output, 'drain');
    }
    if (values.output) {
      output.end();
      await once(output, 'finish');
    }
    context.logger.info({ count, ...(status ? { status: status.data } : {}) }, 'claim reviews exported');
  },
};
