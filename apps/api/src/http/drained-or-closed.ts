import type { Response } from 'express';

/**
 * Waits until a streamed response's buffered lines went out or its connection closed: a client that stops
 * reading and goes away never drains, and `once(response, 'drain')` would then hold the handler (and the
 * reader behind it) forever. Callers stop streaming once `response.destroyed` is true.
 */
export const drainedOrClosed = (response: Response): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
