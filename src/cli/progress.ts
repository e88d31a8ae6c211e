import cliProgress from 'cli-progress';

/** Reports how far a long command (demo, export, verify) has got. */
export type Progress = (label: string, done: number, total: number) => void;

/**
 * Progress bars on stderr, drawn only when both stdout and stderr are a terminal: piped or redirected
 * output (scripts, CI, `$(…)`) gets no bar and no control characters.
 */
export class TerminalProgress {
  private bar: cliProgress.SingleBar | null = null;
  private label = '';

  constructor(readonly enabled = Boolean(process.stdout.isTTY && process.stderr.isTTY)) {}

  readonly update: Progress = (label, done, total) => {
    if (!this.enabled) return;
    if (this.bar && label !== this.label) this.stop();
    if (!this.bar) {
      this.label = label;
      this.bar = new cliProgress.SingleBar(
        // noTTYOutput: the choice to draw is made above (enabled), not again by cli-progress.
        { stream: process.stderr, format: `${label} [{bar}] {percentage}% {value}/{total} | {duration_formatted}, ETA {eta_formatted}`, hideCursor: true, clearOnComplete: false, noTTYOutput: true },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, done);
    }
    this.bar.setTotal(total);
    this.bar.update(done);
  };

  /** Finishes the bar on its own line: before a line of output, and when the command ends. */
  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
