export interface WaitUntilOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Look again this often (default 10 ms). */
  intervalMs?: number;
  /** What is awaited, for the timeout's message; a function is asked at the timeout (e.g. for the output so far). */
  what?: string | (() => string);
}

/**
 * Waits for a condition the test can observe (a row, a position, a status, a line of output) and returns
 * the probe's first truthy answer, e.g. `const match = await waitUntil(() => /key: (\S+)/.exec(output()))`.
 * The one polling helper of the tests: use it instead of a sleep, so a test proves what it waits for.
 */
export const waitUntil = async <T>(probe: () => T | Promise<T>, options: WaitUntilOptions = {}): Promise<Exclude<T, false | null | undefined | 0 | ''>> => {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await probe();
    if (answer) return answer as Exclude<T, false | null | undefined | 0 | ''>;
    if (Date.now() > deadline) {
      const what = typeof options.what === 'function' ? options.what() : (options.what ?? 'a condition');
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 10));
  }
};
