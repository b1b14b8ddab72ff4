/**
 * Errors carry a stable code; the CLI maps codes to process exit codes that orchestrators act on.
 * File-level errors also say whether retrying the same bytes can help (`retryable`).
 */

export const EXIT_CODES = {
  /** Every discovered file was processed, skipped as already committed, or left pending. */
  OK: 0,
  /** A bug or an unexpected condition; the message and stack go to stderr. */
  INTERNAL: 1,
  /** Bad command line or bad config file; nothing was read. */
  CONFIG: 2,
  /** A stream whose drift policy is `fail` saw drift; the run stopped. */
  DRIFT_FAIL: 3,
  /** The run finished, but some files failed or were refused (see the summary). */
  PARTIAL: 4,
  /** The landing could not be listed at all (unreachable, auth, missing bucket or folder). */
  SOURCE_UNAVAILABLE: 5,
  /** The state registry could not be read or written; no checkpoint was committed after the failure. */
  STATE_UNAVAILABLE: 6,
  /**
   * Another run holds the lease of some streams: they were skipped (see streams_busy), or the lease
   * was lost to it during the run and their remaining files left to it (streams_lost); run again later.
   */
  STREAMS_BUSY: 7,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

export type ErrorCode =
  | 'E_CONFIG'
  | 'E_USAGE'
  | 'E_SOURCE'
  | 'E_STATE'
  | 'E_DRIFT_FAIL'
  | 'E_FILE_EMPTY'
  | 'E_FILE_BINARY'
  | 'E_FILE_BACKUP'
  | 'E_FILE_ENCODING'
  | 'E_FILE_FORMAT'
  | 'E_XML_SYNTAX'
  | 'E_XML_TRUNCATED'
  | 'E_CSV_SYNTAX'
  | 'E_CSV_TRUNCATED'
  | 'E_CSV_REJECTED'
  | 'E_LIMIT'
  | 'E_READ'
  | 'E_VANISHED'
  | 'E_LINK_OUTSIDE'
  | 'E_LINK_DANGLING'
  | 'E_NAME_ENCODING'
  | 'E_KEY_UNSAFE'
  | 'E_SINK'
  | 'E_CHANGED'
  | 'E_DISPOSE'
  | 'E_INTERNAL';

export interface Position {
  /** 1-based line in the decoded text, where known. */
  line?: number;
  /** 0-based byte offset in the decompressed stream, where known. */
  offset?: number;
  /** Row ordinal (1-based) in the file, where known. */
  ordinal?: number;
}

export class ConnectorError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly position: Position | undefined;
  readonly hint: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { cause?: unknown; retryable?: boolean; position?: Position; hint?: string } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ConnectorError';
    this.code = code;
    this.retryable = opts.retryable ?? false;
    this.position = opts.position;
    this.hint = opts.hint;
  }
}

export function isConnectorError(e: unknown): e is ConnectorError {
  return e instanceof ConnectorError;
}

/** A file-level problem: the file is recorded as failed, the run goes on. */
export function fileError(
  code: ErrorCode,
  message: string,
  position?: Position,
  opts: { retryable?: boolean; hint?: string; cause?: unknown } = {},
): ConnectorError {
  return new ConnectorError(code, message, { ...opts, ...(position ? { position } : {}) });
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Describe a position the way every error message does: "line 12, byte 3456". */
function describePosition(p: Position | undefined): string {
  if (!p) return '';
  const parts: string[] = [];
  if (p.line !== undefined) parts.push(`line ${p.line}`);
  if (p.ordinal !== undefined) parts.push(`row ${p.ordinal}`);
  if (p.offset !== undefined) parts.push(`byte ${p.offset}`);
  return parts.join(', ');
}

/** "E_CODE: message (at line 12, byte 3456). hint": how a file or run failure is told everywhere. */
export function describeError(e: ConnectorError): string {
  const pos = describePosition(e.position);
  return `${e.code}: ${e.message}${pos ? ` (at ${pos})` : ''}${e.hint ? `. ${e.hint}` : ''}`;
}

/**
 * The one mapping from an error that stopped a command to its exit code. Anything that is not a
 * ConnectorError (or carries no code an orchestrator can act on) is a bug: exit 1.
 */
export function exitCodeFor(e: unknown): number {
  const code = isConnectorError(e) ? e.code : (e as { code?: unknown })?.code;
  switch (code) {
    case 'E_CONFIG':
    case 'E_USAGE':
      return EXIT_CODES.CONFIG;
    case 'E_SOURCE':
      return EXIT_CODES.SOURCE_UNAVAILABLE;
    case 'E_STATE':
      return EXIT_CODES.STATE_UNAVAILABLE;
    case 'E_DRIFT_FAIL':
      return EXIT_CODES.DRIFT_FAIL;
    default:
      return EXIT_CODES.INTERNAL;
  }
}
