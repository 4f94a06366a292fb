import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { SeedDatasetSchema, toReportInput, type SeedDataset, type SeedStep } from '@claims/contracts';
import type { Progress } from '../../libs/platform/src/progress';

/** Where the seed data lives in the repository. */
export const DEFAULT_SEED_FILE = 'infra/seed/sahel-2019-2023.json';

export interface SeedOptions {
  /** The API, e.g. `http://localhost:3000`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>`; the key needs the editor role (verdicts, re-grades). */
  apiKey?: string;
  dataset: SeedDataset;
  progress?: Progress;
  /** Attempts per write when the API asks to come back later (429, or the same key still in progress). */
  maxAttempts?: number;
}

export interface SeedResult {
  steps: number;
  /** Writes the API performed in this run. */
  created: number;
  /** Writes the API answered from an earlier run (`Idempotent-Replayed: true`): nothing was written. */
  alreadyPresent: number;
  /** Server ids by dataset key. */
  sourceIds: Record<string, string>;
  claimIds: Record<string, string>;
  reportIds: Record<string, string>;
}

/** A write the API refused, naming the dataset step and carrying the server's problem+json. */
export class SeedStepFailed extends Error {
  constructor(
    readonly step: SeedStep,
    readonly index: number,
    readonly request: string,
    readonly status: number,
    readonly problem: unknown,
  ) {
    super(
      `step ${index + 1} "${step.key}" (${step.action}, ${request}) failed with HTTP ${status}${hintFor(status, problem)}\n` +
        (typeof problem === 'string' ? problem : JSON.stringify(problem, null, 2)),
    );
    this.name = 'SeedStepFailed';
  }
}

const codeOf = (problem: unknown): string | undefined =>
  typeof problem === 'object' && problem !== null && 'code' in problem ? String((problem as { code: unknown }).code) : undefined;

const hintFor = (status: number, problem: unknown): string => {
  if (status === 401) return ': send an API key with --key or CLAIM_LEDGER_API_KEY';
  if (status === 403) return ': the key needs the editor role (it registers sources, re-grades them and issues verdicts)';
  if (codeOf(problem) === 'IDEMPOTENCY_KEY_REUSED') {
    return ': this step was loaded before with different content; the dataset changed since it was loaded with this key (a changed dataset needs a new "id", and loads as a second copy)';
  }
  return '';
};

/** Reads and validates a dataset file; the error lists every offending field. */
export const readSeedDataset = async (file: string): Promise<SeedDataset> => {
  const json: unknown = JSON.parse(await readFile(file, 'utf8'));
  const parsed = SeedDatasetSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file} is not a valid seed dataset:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Loads a dataset through the public HTTP API, step by step in timeline order. Every write carries an
 * `Idempotency-Key` of `<dataset id>/<step key>`: the API replays the first answer to a repeated key and
 * derives resource ids from it, so a second run with the same API key writes nothing.
 */
export const runSeed = async (options: SeedOptions): Promise<SeedResult> => {
  const { dataset } = options;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const maxAttempts = options.maxAttempts ?? 5;
  const result: SeedResult = { steps: 0, created: 0, alreadyPresent: 0, sourceIds: {}, claimIds: {}, reportIds: {} };
  const lookup = (ids: Record<string, string>, kind: string) => (key: string) => {
    const id = ids[key];
    if (id === undefined) throw new Error(`${kind} "${key}" has no server id (the dataset schema should have caught this)`);
    return id;
  };
  const sourceId = lookup(result.sourceIds, 'source');
  const claimId = lookup(result.claimIds, 'claim');
  const reportId = lookup(result.reportIds, 'report');

  for (const [index, step] of dataset.steps.entries()) {
    const send = async <T>(method: 'POST' | 'PUT', path: string, body: unknown): Promise<T> => {
      const request = `${method} ${path}`;
      for (let attempt = 1; ; attempt += 1) {
        let response: Response;
        try {
          response = await fetch(`${baseUrl}${path}`, {
            method,
            headers: {
              'content-type': 'application/json',
              accept: 'application/json',
              'idempotency-key': `${dataset.id}/${step.key}`,
              'x-correlation-id': `seed/${dataset.id}`,
              ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
            },
            body: JSON.stringify(body),
          });
        } catch (error) {
          const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
          throw new Error(`cannot reach ${baseUrl}${cause}: is the API running (npm start), and is --url right?`, { cause: error });
        }
        const text = await response.text();
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // Not JSON (a proxy's error page): shown as text.
        }
        if (response.ok) {
          if (response.headers.get('idempotent-replayed') === 'true') result.alreadyPresent += 1;
          else result.created += 1;
          return parsed as T;
        }
        const retryable = response.status === 429 || (response.status === 409 && codeOf(parsed) === 'IDEMPOTENCY_KEY_IN_PROGRESS');
        if (!retryable || attempt >= maxAttempts) throw new SeedStepFailed(step, index, request, response.status, parsed);
        await sleep(Math.min(30, Number(response.headers.get('retry-after')) || attempt) * 1000);
      }
    };

    switch (step.action) {
      case 'register-source': {
        const source = await send<{ id: string }>('POST', '/sources', step.source);
        result.sourceIds[step.key] = source.id;
        break;
      }
      case 'open-claim': {
        const claim = await send<{ id: string; reports: Array<{ reportId: string; isAssertion: boolean }> }>('POST', '/claims', {
          ...step.claim,
          report: toReportInput(step.report, sourceId),
        });
        result.claimIds[step.key] = claim.id;
        const assertion = claim.reports.find((report) => report.isAssertion);
        if (assertion) result.reportIds[step.reportKey] = assertion.reportId;
        break;
      }
      case 'add-report': {
        const body = { stance: step.stance, ...(step.reason !== undefined ? { reason: step.reason } : {}), report: toReportInput(step.report, sourceId) };
        const added = await send<{ reportId: string }>('POST', `/claims/${claimId(step.claimKey)}/reports`, body);
        result.reportIds[step.key] = added.reportId;
        break;
      }
      case 'retract-report':
        await send('POST', `/claims/${claimId(step.claimKey)}/reports/${reportId(step.reportKey)}/retraction`, step.body);
        break;
      case 'regrade-source':
        await send('PUT', `/sources/${sourceId(step.sourceKey)}/reliability`, step.body);
        break;
      case 'issue-verdict':
        await send('PUT', `/claims/${claimId(step.claimKey)}/verdict`, step.body);
        break;
    }
    result.steps += 1;
    options.progress?.add(1);
  }
  options.progress?.done();
  return result;
};
