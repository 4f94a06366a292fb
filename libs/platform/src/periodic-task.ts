/** A task run on a timer until stopped; `stop` waits for the run in progress. */
export interface PeriodicTask {
  stop(): Promise<void>;
}

/**
 * Runs `work` every `intervalMs`, never two runs at once: a tick that finds the previous run still going is
 * skipped, so a slow run (a long catch-up) delays the next rather than piling runs up. The timer does not
 * keep the process alive. `work` handles its own errors; one that escapes (thrown or rejected) is dropped,
 * and the next tick runs.
 */
export const startPeriodicTask = (intervalMs: number, work: () => Promise<unknown>): PeriodicTask => {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= Promise.resolve()
      .then(work)
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
};
