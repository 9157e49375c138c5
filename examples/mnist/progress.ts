/**
 * Per-epoch progress: a redrawn bar on a TTY, plain periodic lines otherwise (CI logs, pipes). Both show
 * samples done, samples/s, the running loss and the ETA.
 */
export interface ProgressOptions {
  /** Label printed first, e.g. "epoch 1/3". */
  label: string;
  /** Samples in the epoch. */
  total: number;
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Force TTY or plain mode (default: the stream's isTTY). */
  tty?: boolean;
  /** Plain mode: print a line at most this often (default 10 % of the epoch or 5 s, whichever first). */
  plainEveryMs?: number;
}

export class Progress {
  private readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  private readonly tty: boolean;
  private readonly start = performance.now();
  private lastDraw = -Infinity;
  private lastPlainFraction = 0;
  private readonly plainEveryMs: number;

  constructor(private readonly o: ProgressOptions) {
    this.stream = o.stream ?? process.stderr;
    this.tty = o.tty ?? Boolean(this.stream.isTTY);
    this.plainEveryMs = o.plainEveryMs ?? 5000;
  }

  /** Call after each batch with the samples done so far in this epoch and the running mean loss. */
  update(done: number, loss: number): void {
    const now = performance.now();
    const fraction = this.o.total > 0 ? done / this.o.total : 1;
    if (this.tty) {
      if (now - this.lastDraw < 100 && done < this.o.total) return;
      this.lastDraw = now;
      this.stream.write(`\r${this.line(done, loss, now, true)}\x1b[K`);
    } else if (done >= this.o.total || fraction - this.lastPlainFraction >= 0.1 - 1e-9 || now - this.lastDraw >= this.plainEveryMs) {
      this.lastDraw = now;
      this.lastPlainFraction = fraction;
      this.stream.write(`${this.line(done, loss, now, false)}\n`);
    }
  }

  /** Ends the epoch's line (TTY) so the next output starts on a fresh line. */
  finish(): void {
    if (this.tty) this.stream.write('\n');
  }

  private line(done: number, loss: number, now: number, bar: boolean): string {
    const secs = (now - this.start) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 ? (this.o.total - done) / rate : NaN;
    const pct = this.o.total > 0 ? (100 * done) / this.o.total : 100;
    const width = 24;
    const filled = Math.round((width * pct) / 100);
    const barText = bar ? ` [${'='.repeat(filled)}${filled < width ? '>' : ''}${' '.repeat(Math.max(0, width - filled - 1))}]` : '';
    return (
      `${this.o.label}${barText} ${pct.toFixed(1).padStart(5)}% ${done}/${this.o.total}` +
      ` | ${Math.round(rate).toLocaleString('en-US')} samples/s | loss ${loss.toFixed(4)} | ETA ${formatSeconds(eta)}`
    );
  }
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '--';
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s`;
}
