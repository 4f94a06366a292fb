import { startPeriodicTask } from './periodic-task';

describe('startPeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs the work every interval, skipping ticks while a run is still going, and stop waits for that run', async () => {
    const finish: Array<() => void> = [];
    let runs = 0;
    const task = startPeriodicTask(100, () => {
      runs++;
      return new Promise<void>((resolve) => finish.push(resolve));
    });
    jest.advanceTimersByTime(100);
    expect(runs).toBe(1);
    jest.advanceTimersByTime(300); // three ticks while the first run is pending: none starts another
    expect(runs).toBe(1);
    finish.shift()!();
    await Promise.resolve();
    await Promise.resolve();
    await Promise.resolve();
    jest.advanceTimersByTime(100);
    expect(runs).toBe(2);

    let stopped = false;
    const stopping = task.stop().then(() => {
      stopped = true;
    });
    await Promise.resolve();
    expect(stopped).toBe(false); // the second run is still going
    finish.shift()!();
    await stopping;
    expect(stopped).toBe(true);
    jest.advanceTimersByTime(1000);
    expect(runs).toBe(2); // no tick after stop
  });

  it('goes on after a run that fails', async () => {
    let runs = 0;
    const task = startPeriodicTask(50, async () => {
      runs++;
      throw new Error('down');
    });
    jest.advanceTimersByTime(50);
    await jest.runOnlyPendingTimersAsync();
    await jest.runOnlyPendingTimersAsync();
    expect(runs).toBeGreaterThanOrEqual(2);
    await task.stop();
  });
});
