/** The time source for commands; tests replace it to control `recordedAt`/`now`. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
