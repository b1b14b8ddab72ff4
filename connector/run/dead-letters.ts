import type { DeadLetterRecord } from '../output/dead-letter.js';
import type { Sink, StagedOutput } from '../sinks/sink.js';

/**
 * Rejected rows of one input file. Rows are buffered as the parser finds them and written on
 * `flush`; the output is staged like the envelopes, so it appears with the file's commit and
 * disappears with its abort. In `read` mode they are messages instead (`asMessage`).
 */
export class DeadLetters {
  private pending: string[] = [];
  private staged: StagedOutput | undefined;
  count = 0;

  constructor(
    private readonly open: () => Promise<StagedOutput>,
    private readonly asMessage?: (rec: DeadLetterRecord) => string,
    private readonly sink?: Sink,
  ) {}

  add(rec: DeadLetterRecord): void {
    this.count++;
    this.pending.push(this.asMessage ? this.asMessage(rec) : JSON.stringify(rec) + '\n');
  }

  async flush(): Promise<void> {
    if (!this.pending.length || this.asMessage) return;
    this.staged ??= await this.open();
    const data = Buffer.from(this.pending.join(''));
    this.pending = [];
    await this.staged.write(data);
  }

  /** Messages for `read` mode go out when the file's records have. */
  async commit(sha256: string): Promise<string | undefined> {
    if (this.asMessage) {
      for (const m of this.pending) await this.sink?.message?.(m);
      this.pending = [];
      return undefined;
    }
    await this.flush();
    if (!this.staged) return undefined;
    const r = await this.staged.commit(sha256);
    this.staged = undefined;
    return r.uri;
  }

  async abort(): Promise<void> {
    this.pending = [];
    if (this.staged) await this.staged.abort();
    this.staged = undefined;
  }
}
