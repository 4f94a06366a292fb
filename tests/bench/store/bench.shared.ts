// Shared by the orchestrator (store.bench.ts) and the contender workers (*.worker.ts).
// A worker talks to the orchestrator through stdout, one line per message:
//   `progress {"done":..,"total":..,"eps":..}`  every PROGRESS_EVERY_MS during a timed phase
//   `result {...WorkerResult}`                   once, as its last line
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export type Phase = 'sequential' | 'concurrent' | 'read';

export interface WorkerArgs {
  databaseUrl: string;
  phase: Phase;
  events: number;
  streams: number;
  concurrency: number;
  warmup: number;
  batch: number;
}

export interface WorkerResult {
  contender: string;
  phase: Phase;
  events: number;
  ms: number;
  eps: number;
  /** Per-operation latency (an append, an insert, or a read batch), milliseconds. */
  p50Ms: number;
  p99Ms: number;
  extra?: Record<string, unknown>;
}

export const PROGRESS_EVERY_MS = 2000;

export const parseWorkerArgs = (argv: readonly string[]): WorkerArgs => {
  const get = (name: string): string | undefined => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const num = (name: string, fallback: number): number => {
    const raw = get(name);
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be an integer >= 0, got ${raw}`);
    return value;
  };
  const databaseUrl = get('database-url');
  if (!databaseUrl) throw new Error('--database-url is required');
  const phase = get('phase') as Phase;
  if (!['sequential', 'concurrent', 'read'].includes(phase)) throw new Error(`--phase must be sequential|concurrent|read, got ${phase}`);
  return {
    databaseUrl,
    phase,
    events: num('events', 20_000),
    streams: num('streams', 2_000),
    concurrency: num('concurrency', 8),
    warmup: num('warmup', 300),
    batch: num('batch', 1_000),
  };
};

/** One append of the plan: the n-th event of a stream, so the expected version before it is `version - 1`. */
export interface PlannedAppend {
  streamId: string;
  /** 1 for the stream's first event. */
  version: number;
}

/**
 * The appends, in the order a sequential writer does them: stream 0 versions 1..k, then stream 1, ...
 * `events` are spread over `streams` streams (k = ceil(events / streams); the last streams may get fewer).
 */
export const planAppends = (events: number, streams: number, prefix = 'claim-'): PlannedAppend[] => {
  const perStream = Math.max(1, Math.ceil(events / Math.max(1, streams)));
  const plan: PlannedAppend[] = [];
  for (let stream = 0; plan.length < events; stream++) {
    for (let version = 1; version <= perStream && plan.length < events; version++) plan.push({ streamId: `${prefix}${stream}`, version });
  }
  return plan;
};

/** Splits a plan into `writers` slices of whole streams (stream i goes to writer i mod writers), keeping each stream's order. */
export const splitByStream = (plan: readonly PlannedAppend[], writers: number): PlannedAppend[][] => {
  const slices: PlannedAppend[][] = Array.from({ length: writers }, () => []);
  const writerOf = new Map<string, number>();
  for (const append of plan) {
    let writer = writerOf.get(append.streamId);
    if (writer === undefined) {
      writer = writerOf.size % writers;
      writerOf.set(append.streamId, writer);
    }
    slices[writer].push(append);
  }
  return slices;
};

const VERDICTS = ['supported', 'disputed', 'misleading', 'unverifiable'] as const;

/** A small, realistic event payload (~200 bytes of JSON): a source's report on a claim. */
export const reportPayload = (streamId: string, version: number): Record<string, unknown> => ({
  reportId: randomUUID(),
  claimId: streamId,
  sourceId: `source-${(version * 7919) % 977}`,
  verdict: VERDICTS[version % VERDICTS.length],
  confidence: Math.round(((version * 37) % 100) / 10) / 10,
  excerpt: 'Official 2023 figures show 4.2%, not 12%.',
  submittedAt: new Date().toISOString(),
});

export const EVENT_TYPE = 'ReportSubmitted';

/** Collects latencies and prints progress lines while a phase runs. */
export class Meter {
  private readonly latencies: number[] = [];
  private done = 0;
  private startedAt = 0;
  private lastAt = 0;
  private lastDone = 0;
  private excludedMs = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly total: number) {}

  start(): void {
    this.startedAt = this.lastAt = performance.now();
    this.timer = setInterval(() => this.progress(), PROGRESS_EVERY_MS);
    this.timer.unref();
  }

  /** Records one operation that covered `count` events and took `ms`. */
  record(ms: number, count = 1): void {
    this.latencies.push(ms);
    this.done += count;
  }

  /** Takes `ms` of waiting that is not the contender's work out of the timed total. */
  exclude(ms: number): void {
    this.excludedMs += ms;
  }

  finish(contender: string, phase: Phase, extra?: Record<string, unknown>): WorkerResult {
    const ms = performance.now() - this.startedAt - this.excludedMs;
    clearInterval(this.timer);
    const sorted = Float64Array.from(this.latencies).sort();
    const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0);
    return { contender, phase, events: this.done, ms, eps: (this.done * 1000) / ms, p50Ms: pct(0.5), p99Ms: pct(0.99), extra };
  }

  private progress(): void {
    const now = performance.now();
    const eps = ((this.done - this.lastDone) * 1000) / (now - this.lastAt);
    const avgEps = (this.done * 1000) / (now - this.startedAt);
    this.lastAt = now;
    this.lastDone = this.done;
    process.stdout.write(`progress ${JSON.stringify({ done: this.done, total: this.total, eps: Math.round(eps), avgEps: Math.round(avgEps) })}\n`);
  }
}

export const now = (): number => performance.now();

/** Runs `writers` async loops, each over its own slice, and resolves when all are done (rejects on the first error). */
export const runWriters = async <T>(slices: readonly T[][], work: (item: T) => Promise<void>): Promise<void> => {
  await Promise.all(
    slices.map(async (slice) => {
      for (const item of slice) await work(item);
    }),
  );
};

/** Worker entry point: runs `main`, prints its result line, exits non-zero on failure. */
export const runWorker = (main: (args: WorkerArgs) => Promise<WorkerResult>): void => {
  main(parseWorkerArgs(process.argv.slice(2)))
    .then((result) => {
      process.stdout.write(`result ${JSON.stringify(result)}\n`);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    });
};
