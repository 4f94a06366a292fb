export interface Progress {
  /** Counts `n` more items done. */
  add(n: number): void;
  /** Prints the final line (total, time, average rate). */
  done(): void;
}

export interface ProgressOptions {
  label: string;
  /** Known total, for a percentage and an ETA; omit when unknown. */
  total?: number;
  unit?: string;
  /** Where lines go; stderr by default, so stdout stays clean for data (exports). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Seconds between lines when the stream is not a terminal. */
  intervalSeconds?: number;
}

const formatDuration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

/**
 * Progress for long work (rebuilds, imports, seeding): a redrawn bar on a terminal, otherwise a line every
 * few seconds, always with the rate and (when the total is known) the ETA.
 */
export const createProgress = (options: ProgressOptions): Progress => {
  const stream = options.stream ?? process.stderr;
  const unit = options.unit ?? 'events';
  const tty = Boolean(stream.isTTY);
  const intervalMs = tty ? 200 : (options.intervalSeconds ?? 2) * 1000;
  const started = Date.now();
  let count = 0;
  let lastPrint = 0;

  const line = (final: boolean): string => {
    const elapsed = (Date.now() - started) / 1000;
    const rate = elapsed > 0 ? count / elapsed : 0;
    const total = options.total;
    const rateText = `${Math.round(rate).toLocaleString('en-US')} ${unit}/s`;
    if (final) return `${options.label}: ${count.toLocaleString('en-US')} ${unit} in ${formatDuration(elapsed)} (${rateText})`;
    if (!total) return `${options.label}: ${count.toLocaleString('en-US')} ${unit}, ${rateText}`;
    const fraction = Math.min(1, count / total);
    const eta = rate > 0 ? (total - count) / rate : Infinity;
    const bar = tty ? `[${'#'.repeat(Math.round(fraction * 30)).padEnd(30, '.')}] ` : '';
    return `${options.label}: ${bar}${(fraction * 100).toFixed(1)}% ${count.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit}, ${rateText}, ETA ${formatDuration(eta)}`;
  };

  return {
    add(n: number) {
      count += n;
      const now = Date.now();
      if (now - lastPrint < intervalMs) return;
      lastPrint = now;
      stream.write(tty ? `\r${line(false)}\x1b[K` : `${line(false)}\n`);
    },
    done() {
      stream.write(tty ? `\r${line(true)}\x1b[K\n` : `${line(true)}\n`);
    },
  };
};
