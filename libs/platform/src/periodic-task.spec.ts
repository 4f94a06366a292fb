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
    await jest.advanceTimersByTimeAsync(100);
    expect(runs).toBe(1);
    await jest.advanceTimersByTimeAsync(300); // three ticks while the first run is pending: none starts another
    expect(runs).toBe(1);
    finish.shift()!();
    await jest.advanceTimersByTimeAsync(100);
    expect(runs).toBe(2);

    let stopped = false;
    const stopping = task.stop().then(() => {
      stopped = true;
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false); // the second run is still going
    finish.shift()!();
    await stopping;
    expect(stopped).toBe(true);
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(2); // no tick after stop
  });

  it('goes on after a run that rejects or throws', async () => {
    let runs = 0;
    const task = startPeriodicTask(50, () => {
      runs++;
      if (runs % 2 === 0) throw new Error('thrown');
      return Promise.reject(new Error('rejected'));
    });
    await jest.advanceTimersByTimeAsync(200);
    expect(runs).toBe(4);
    await task.stop();
  });
});
