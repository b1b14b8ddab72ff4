/**
 * A format reader: a push parser over the decoded bytes of one file. It takes UTF-8 (the decoder's
 * output whatever the file's encoding: formats/decode.ts) and pushes each row it completes into a
 * RowSink (rows/row-sink.ts). Pure and synchronous: no I/O, so it runs the same on the main thread,
 * in a worker thread, or in a unit test.
 */
export interface RowReader {
  /** Feed UTF-8 bytes. The reader keeps no reference to `chunk` after the call. */
  feed(chunk: Buffer): void;
  /** The end of the file: completes the last row or throws (a truncated file). */
  end(): void;
  /** Rows pushed so far. */
  readonly rows: number;
  /** Source objects seen (CSV rows, XML objects before de-duplication), for progress and warnings. */
  readonly objects: number;
}
