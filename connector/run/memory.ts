import type { Limits } from '../config.js';

/**
 * The run's memory ceiling, shared by the files in flight. Two controls:
 *  - each file's buffers are capped at its share (the ceiling over the concurrency): the longest
 *    row or object it may hold, and the masters it buffers for de-duplication (a parsed object
 *    takes several times its text in memory);
 *  - a new file starts only while the process is below three quarters of the ceiling, or when it
 *    is the only one: a few hostile files at once cannot add up past it.
 */
export class MemoryBudget {
  private inFlight = 0;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly limits: Limits,
    private readonly concurrency: number,
    private readonly rss: () => number = () => process.memoryUsage.rss(),
  ) {}

  /** The limits one file works under. */
  fileLimits(): Limits {
    const share = Math.floor(this.limits.memory_ceiling_bytes / Math.max(1, this.concurrency));
    return {
      ...this.limits,
      max_row_bytes: Math.max(1024, Math.min(this.limits.max_row_bytes, Math.floor(share / 8))),
      max_buffered_master_bytes: Math.max(1024, Math.min(this.limits.max_buffered_master_bytes, Math.floor(share / 4))),
    };
  }

  /** Wait until a file may start; call `release` when it is done. */
  async admit(): Promise<void> {
    while (this.inFlight > 0 && this.rss() > this.limits.memory_ceiling_bytes * 0.75) {
      await new Promise<void>((r) => this.waiters.push(r));
    }
    this.inFlight++;
  }

  release(): void {
    this.inFlight--;
    const w = this.waiters.splice(0);
    for (const r of w) r();
  }
}
