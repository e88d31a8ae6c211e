/** Time comes from here, so tests, replays and the demo can fix it. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that stands where it is set (tests, `onegate demo`); falls back to real time when unset. */
export class SettableClock extends Clock {
  private at: Date | null = null;

  set(at: Date | null): void {
    this.at = at;
  }

  advance(ms: number): void {
    this.at = new Date(this.now().getTime() + ms);
  }

  now(): Date {
    return this.at ? new Date(this.at) : new Date();
  }
}
