/** Time comes from here, so tests, replays and the demo can fix it. */
export abstract class Clock {
  abstract now(): Date;

  /**
   * True while steps are recorded at a time set back from the real one (`onegate demo` loading a
   * past year): history, whose news is no message to anyone now (contract §8, "No storms").
   */
  recordsHistory(): boolean {
    return false;
  }
}

/** A clock standing this far behind real time records history, not news. */
const HISTORY_MARGIN_MS = 3_600_000;

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

  override recordsHistory(): boolean {
    return this.at !== null && this.at.getTime() < Date.now() - HISTORY_MARGIN_MS;
  }
}
