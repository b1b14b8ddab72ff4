import type { Component } from '../component.js';
import type { Readable } from 'node:stream';

/** One file in a landing, as every layer passes it around. */
export interface RemoteFile {
  /** Path relative to the landing root, with `/` separators; the state key. */
  key: string;
  /** Full address: file:///..., s3://bucket/prefix/key, sftp://host:port/root/key. */
  uri: string;
  size: number;
  /** Last modification, ms since epoch (second precision on S3 and SFTP). */
  mtimeMs: number;
  /** S3 ETag (quoted as S3 returns it), when the store has one. */
  etag?: string;
}

/**
 * An entry of the landing that the listing will not hand over as a file, reported so that it
 * appears in the run summary (as refused) instead of vanishing: a symbolic link whose target leaves
 * the root or does not exist, a name that is not valid UTF-8, a key that could leave the prefix.
 */
export interface RefusedEntry {
  file: RemoteFile;
  code: 'E_LINK_OUTSIDE' | 'E_LINK_DANGLING' | 'E_NAME_ENCODING' | 'E_KEY_UNSAFE';
  reason: string;
}

export type RefusalReport = (r: RefusedEntry) => void;

export interface OpenOptions {
  /** Abort the read (stops the transfer). */
  signal?: AbortSignal;
  /** Only bytes from `start` on (sources with `ranges`). */
  start?: number;
}


/**
 * A landing: lists files and opens them as byte streams. Transport only; formats are elsewhere.
 * Errors thrown are ConnectorErrors: E_SOURCE for the landing itself (unreachable, auth, missing
 * bucket), E_VANISHED when a listed file is gone, E_READ (retryable) for a transfer that broke.
 */
export interface Source {
  readonly kind: 'local' | 's3' | 'sftp';
  /** The landing root as a URI, for messages. */
  readonly rootUri: string;
  /**
   * Every file under the root, in no particular order, each real file once: symbolic links are not
   * followed (a link inside the root points at something listed anyway; one that leaves it is
   * refused), so link loops cannot happen. What is refused goes to `refused`.
   */
  list(refused?: RefusalReport): AsyncIterable<RemoteFile>;
  /** Stream the raw bytes of a file. */
  open(file: RemoteFile, opts?: OpenOptions): Promise<Readable>;
  /** `open` honours `start` without reading what comes before it (a local file). */
  readonly ranges?: boolean;
  /**
   * A chunk `open` streamed is no longer held by anyone (its bytes were hashed and parsed, or
   * copied): the source may read into its memory again. Only for chunks of this source's streams,
   * never one still referenced (the caller keeps the first, which it holds as the file's head).
   */
  recycle?(chunk: Buffer): void;
  /** Files younger than this are still being written and are left for the next run. */
  readonly settleMs: number;
  /** How many times a file read that broke in transit is tried in all (1 = no retry). */
  readonly readAttempts: number;
  /**
   * After a file's checkpoint is committed (the stream's `after_commit`): move it under the
   * source's `archive_to`, keeping its relative path, or delete it. Done only while the landing
   * still holds the file that was read (same size and mtime, or the same ETag on S3, sent as a
   * condition); otherwise it throws E_CHANGED and leaves the file for the next run. Returns where
   * the file went (archive) as a URI.
   */
  dispose(file: RemoteFile, action: DisposeAction): Promise<{ uri?: string }>;
  close(): Promise<void>;
}

export type DisposeAction = 'archive' | 'delete';

/** A source module: its config fragment and its factory. */
export type SourceComponent<C extends { type: string }> = Component<C, Source>;
