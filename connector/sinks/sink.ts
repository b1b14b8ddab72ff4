import type { Component } from '../component.js';
import type { Shape } from '../../state/types.js';

/** What a typed sink (Parquet, Arrow) needs to know of the file when it commits. */
export interface CommitMeta {
  /** Per entity, the shape its columns are typed by (the registered version, widened to this file's values). */
  shapes: Record<string, Shape>;
  /** Per entity, the schema version its rows carry. */
  versions: Record<string, number>;
  run_id: string;
  /** Row ordinals the decision withholds (typed sinks; envelope sinks had their lines rewritten). */
  skip?: ReadonlySet<number>;
}

/** A row a typed sink's staged log holds that the decision withholds. */
export interface WithheldRow {
  entity: string;
  ordinal: number;
  line: number;
  reason: string;
  raw: string;
}
/**
 * A sink receives one input file's output at a time, staged: bytes are written to a temporary place
 * and become visible only on `commit`, all at once. `abort` throws the staged bytes away (a failed
 * or quarantined file delivers nothing).
 */
export interface ExternalStage {
  path: string;
  /**
   * `bytes` more were written into the file from outside: a durable stage syncs it in the background
   * as it grows, as it does what it writes itself.
   */
  wrote?(bytes: number): void;
  /** The writer from outside is done: waits for a background sync (its failure fails here). */
  finish(bytesAppended: number): Promise<void>;
  /** Hand over files that follow the staged file as parts of it (sinks that read them in order). */
  attach?(paths: string[]): void;
}

/** Where `rewriteLines` writes a line's replacement. */
export interface LineOut {
  bytes(b: Uint8Array): void;
  text(s: string): void;
}

export interface StagedOutput {
  write(chunk: Buffer): Promise<void>;
  /**
   * Pass every staged line through `fn` (return the line, a replacement, or null to drop it).
   * Used when the drift gate must restamp schema versions or withhold rows after a file was read.
   * `null` drops every line without reading them (change capture when nothing changed).
   */
  rewrite(fn: ((line: string) => string | null) | null): Promise<void>;
  /**
   * Pass every staged line, as bytes (a view valid only during the call, without its newline),
   * through `fn`, which writes what replaces it to `out` and returns true to keep it (a newline is
   * added) or false to drop it. No line becomes a string: for rewrites of every line of big files.
   */
  rewriteLines(fn: (line: Buffer, out: LineOut) => boolean): Promise<void>;
  /**
   * Hand the staged file to another writer (a parsing thread appends to it by path); `finish`
   * takes it back with the number of bytes that writer appended. Nothing else may write meanwhile.
   */
  external?(): Promise<ExternalStage>;
  /**
   * Make the output visible; returns where it went. `sha256` names the file version. Typed sinks
   * convert the staged envelopes here, with the column types in `meta`.
   */
  commit(sha256: string, meta?: CommitMeta): Promise<{ uri: string; bytes: number }>;
  /**
   * Typed sinks: the staged rows that fail `checks` (the drift decision's, per entity), found before
   * commit so that they go to the dead letter; `commit` then leaves them out (`meta.skip`).
   */
  withhold?(checks: Record<string, (record: unknown) => string | undefined>): Promise<WithheldRow[]>;
  abort(): Promise<void>;
}

export interface OutputTarget {
  stream_id: string;
  file_id: string;
  /** Partition date, YYYY-MM-DD (the run's date). */
  date: string;
}

export interface Sink {
  readonly kind: string;
  /**
   * How the file's rows are staged: envelope lines (NDJSON, stdout, S3 NDJSON), or the row log that
   * typed sinks convert on commit (output/row-log.ts).
   */
  readonly rowFormat?: 'envelope' | 'rowlog';
  /**
   * Optional: build what the sink needs (clients, endpoint checks) before the first file, so a bad
   * sink config fails the run up front (E_CONFIG) instead of failing each file. `open` does the
   * same work lazily when `ready` was not called.
   */
  ready?(): Promise<void>;
  open(target: OutputTarget): Promise<StagedOutput>;
  /** Written immediately (stdout sink) or ignored (file sinks): messages that are not records. */
  message?(line: string): Promise<void>;
  /** Remove staged outputs that killed runs left behind (state/debris.ts says which are stale). */
  sweep?(maxAgeMs: number): Promise<{ files: number; bytes: number }>;
  close(): Promise<void>;
}

/**
 * Where one input file's output goes, relative to a sink's root (a folder or a key prefix):
 * `tenant=<t>/stream=<s>/date=<YYYY-MM-DD>/<file id>.<sha256:16><suffix>`. Every sink uses it.
 */
export function partitionPath(tenantId: string, t: OutputTarget, sha256: string, suffix: string): string {
  return `tenant=${tenantId}/stream=${t.stream_id}/date=${t.date}/${t.file_id}.${sha256.slice(0, 16)}${suffix}`;
}

/** A sink module: its config fragment and its factory. */
export type SinkComponent<C extends { type: string }> = Component<C, Sink>;
