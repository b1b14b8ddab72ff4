/**
 * A format reader: a push parser over the decoded text of one file. It takes UTF-8 bytes (`input`
 * 'bytes', CSV) or JS strings (`input` 'text', Tally XML), and pushes each row it completes into a
 * RowSink (rows/row-sink.ts). Pure and synchronous: no I/O, so it runs the same on the main thread,
 * in a worker thread, or in a unit test.
 */
export interface RowReader {
  readonly input: 'bytes' | 'text';
  /** Feed UTF-8 bytes (input 'bytes'). */
  feed(chunk: Buffer): void;
  /** Feed decoded text (input 'text'). */
  feedText(text: string): void;
  /** The end of the file: completes the last row or throws (a truncated file). */
  end(): void;
  /** Rows pushed so far. */
  readonly rows: number;
  /** Source objects seen (CSV rows, XML objects before de-duplication), for progress and warnings. */
  readonly objects: number;
}
