import { isIPv4 } from 'node:net';
import type { ListObjectsV2CommandOutput, PutObjectCommandInput, S3Client, S3ClientConfig, _Object } from '@aws-sdk/client-s3';
import { ConnectorError, errorMessage } from '../errors.js';
import { normalizePrefix } from './paths.js';

/**
 * The one place S3 clients are built, for every S3 path the connector has (the landing, the state
 * and schema registries, the sink and the dead letters), so endpoint policy, checksums, retries,
 * listing pages and server-side encryption are the same everywhere. Credentials are never taken
 * from the config: the SDK's default chain (environment, shared profile, container or instance role)
 * supplies them. The SDK itself loads on the first client, so a run that does not use S3 never loads it.
 */

/** Where in S3 (or an S3-compatible store), and how requests are made: shared by every S3 component. */
export interface S3Connection {
  bucket: string;
  prefix: string;
  region: string;
  endpoint?: string;
  force_path_style: boolean;
  allow_http_for_local_development: boolean;
  max_attempts: number;
  retry_mode: 'standard' | 'adaptive';
}

/** The S3 connection fields, declared once; every S3 component's schema refers to them (`$ref`). */
export const S3_CONNECTION_SCHEMA = {
  type: 'object',
  required: ['bucket'],
  properties: {
    bucket: { type: 'string', minLength: 3, maxLength: 63 },
    prefix: { type: 'string', default: '', description: 'Treated as a folder (a trailing / is added). The tenant cannot read or write outside it.' },
    region: { type: 'string', default: 'us-east-1' },
    endpoint: { type: 'string', description: 'S3-compatible endpoint URL. Must be https:// unless allow_http_for_local_development is set, and then only a loopback host.' },
    force_path_style: { type: 'boolean', default: false },
    allow_http_for_local_development: { type: 'boolean', default: false },
    max_attempts: { type: 'integer', minimum: 1, maximum: 20, default: 5, description: "Attempts per S3 request (the SDK's backoff with jitter on 503 SlowDown, 5xx and resets); for a landing also the attempts per file read that breaks mid-body (read again from its start)." },
    retry_mode: { enum: ['standard', 'adaptive'], default: 'standard', description: "The SDK's retry strategy; adaptive also rate-limits the client after throttling." },
  },
} as const;

/** Server-side encryption for every object the connector writes: SSE-KMS under the key, else SSE-S3. */
export interface S3Encryption {
  kms_key_id?: string;
}

export const S3_ENCRYPTION_PROPERTY = {
  kms_key_id: { type: 'string', description: 'Objects are written with SSE-KMS under this key (id, ARN or alias); without it, SSE-S3 (AES256).' },
} as const;

export function sseParams(enc: S3Encryption): Pick<PutObjectCommandInput, 'ServerSideEncryption' | 'SSEKMSKeyId'> {
  return enc.kms_key_id ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: enc.kms_key_id } : { ServerSideEncryption: 'AES256' };
}

export type S3Purpose = 'source' | 'state' | 'sink';

/** Called with every client built, by a caller that needs to see requests (fault injection in tests). */
export type S3ClientObserver = (client: S3Client, purpose: S3Purpose) => void;

/** The SDK module, loaded once on first use. */
type S3Sdk = typeof import('@aws-sdk/client-s3');
let sdk: Promise<S3Sdk> | undefined;
function loadS3Sdk(): Promise<S3Sdk> {
  return (sdk ??= import('@aws-sdk/client-s3'));
}

/** A URL host that is this machine: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return isIPv4(h) && h.startsWith('127.');
}

/**
 * HTTPS only. Plain http is accepted only with allow_http_for_local_development and only for a
 * loopback host, so the switch cannot send requests (and signed credentials) in clear over a network.
 */
export function validateEndpoint(endpoint: string | undefined, allowHttp: boolean, field: string): URL | undefined {
  if (endpoint === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ConnectorError('E_CONFIG', `${field}: ${JSON.stringify(endpoint)} is not a URL`, { hint: 'write it as https://host[:port]' });
  }
  if (url.username || url.password) {
    throw new ConnectorError('E_CONFIG', `${field} must not carry credentials in the URL`, { hint: 'credentials come from the AWS chain (environment, profile, role)' });
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol !== 'http:') {
    throw new ConnectorError('E_CONFIG', `${field}: the scheme ${url.protocol} is not supported; S3 endpoints are https://`);
  }
  if (!allowHttp) {
    throw new ConnectorError('E_CONFIG', `${field} is plain http (${url.host}); S3 is only reached over HTTPS`, {
      hint: 'use an https:// endpoint; for a local test server on this machine set allow_http_for_local_development: true',
    });
  }
  if (!isLoopbackHost(url.hostname)) {
    throw new ConnectorError('E_CONFIG', `${field} is plain http to ${url.hostname}, which is not this machine; allow_http_for_local_development only permits loopback hosts (127.0.0.0/8, ::1, localhost)`, {
      hint: 'use https:// for any remote endpoint',
    });
  }
  return url;
}

/**
 * A client for `conn`, after the endpoint policy is checked (a bad endpoint is E_CONFIG, naming
 * `field`, before any request).
 */
export async function createS3Client(conn: S3Connection, purpose: S3Purpose, field: string, observe?: S3ClientObserver): Promise<{ client: S3Client; sdk: S3Sdk; prefix: string }> {
  const url = validateEndpoint(conn.endpoint, conn.allow_http_for_local_development, field);
  const cfg: S3ClientConfig = {
    region: conn.region,
    // Request-level retries: exponential backoff with full jitter on throttling (503 SlowDown),
    // 5xx, timeouts and connection resets before a response. A body that breaks mid-stream is
    // retried by the run, from the start of the file.
    maxAttempts: conn.max_attempts,
    retryMode: conn.retry_mode,
    forcePathStyle: conn.force_path_style,
    requestHandler: { connectionTimeout: 10_000, socketTimeout: 120_000 },
  };
  if (url) {
    cfg.endpoint = url.href.replace(/\/$/, '');
    // S3-compatible stores (and s3rver) do not understand the SDK's default flexible checksums:
    // a streamed upload would be stored with its aws-chunked framing. Send checksums only when
    // an operation requires them.
    cfg.requestChecksumCalculation = 'WHEN_REQUIRED';
    cfg.responseChecksumValidation = 'WHEN_REQUIRED';
  }
  const mod = await loadS3Sdk();
  const client = new mod.S3Client(cfg);
  observe?.(client, purpose);
  return { client, sdk: mod, prefix: normalizePrefix(conn.prefix) };
}

/**
 * Every object under `prefix`, page by page (ListObjectsV2 with continuation tokens); the one
 * listing loop of the project. A truncated page without a token would loop forever on a broken
 * server: it stops with E_SOURCE instead. `onError` turns an SDK error into the caller's error.
 */
export async function* listObjects(
  s: { client: S3Client; sdk: S3Sdk },
  bucket: string,
  prefix: string,
  opts: { pageSize?: number; onError: (e: unknown, page: number) => Error },
): AsyncGenerator<_Object> {
  let token: string | undefined;
  let page = 0;
  do {
    let out: ListObjectsV2CommandOutput;
    try {
      out = await s.client.send(new s.sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token, ...(opts.pageSize ? { MaxKeys: opts.pageSize } : {}) }));
    } catch (e) {
      throw opts.onError(e, page);
    }
    page++;
    for (const o of out.Contents ?? []) if (o.Key) yield o;
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
    if (out.IsTruncated && !token) throw new ConnectorError('E_SOURCE', `listing s3://${bucket}/${prefix} failed: the server said the page was truncated but gave no continuation token`);
  } while (token);
}

/** Where a request went, for messages: s3://bucket/prefix (via endpoint). */
function describeLocation(loc: Pick<S3Connection, 'bucket' | 'prefix' | 'endpoint'>): string {
  return `s3://${loc.bucket}/${normalizePrefix(loc.prefix)}${loc.endpoint ? ` (endpoint ${new URL(loc.endpoint).host})` : ''}`;
}

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $fault?: string;
}

const AUTH_NAMES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired', 'AccessDenied', 'AllAccessDisabled', 'AccountProblem', 'InvalidSecurity', 'UnrecognizedClientException']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);
const TLS_CODES = /^(ERR_TLS_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|CERT_)/;

type S3Failure = 'missing_bucket' | 'missing_key' | 'auth' | 'credentials' | 'region' | 'unreachable' | 'tls' | 'throttled' | 'server' | 'aborted' | 'other';

export function classifyS3Error(e: unknown): S3Failure {
  const err = (e ?? {}) as SdkError;
  const name = err.name ?? err.Code ?? '';
  const status = err.$metadata?.httpStatusCode;
  if (name === 'AbortError') return 'aborted';
  if (name === 'NoSuchBucket') return 'missing_bucket';
  if (name === 'NoSuchKey' || (name === 'NotFound' && status === 404)) return 'missing_key';
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(err.message ?? '')) return 'credentials';
  if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || status === 301) return 'region';
  if (AUTH_NAMES.has(name) || status === 403) return 'auth';
  if (err.code && NETWORK_CODES.has(err.code)) return 'unreachable';
  if (err.code && TLS_CODES.test(err.code)) return 'tls';
  if (name === 'TimeoutError' || name === 'RequestTimeout') return 'unreachable';
  if (name === 'SlowDown' || name === 'Throttling' || name === 'ThrottlingException' || status === 429) return 'throttled';
  if (status !== undefined && status >= 500) return 'server';
  return 'other';
}

const attemptsNote = (e: unknown) => {
  const n = (e as SdkError)?.$metadata?.attempts;
  return n && n > 1 ? ` after ${n} attempts` : '';
};

/**
 * An error that stops a listing: the landing (or registry) itself is unusable. The message names
 * exactly what failed; secrets never appear (the SDK's messages carry none).
 */
export function s3LocationError(e: unknown, loc: Pick<S3Connection, 'bucket' | 'prefix' | 'endpoint' | 'region'>, op: string): ConnectorError {
  const where = describeLocation(loc);
  const kind = classifyS3Error(e);
  const detail = errorMessage(e);
  const mk = (msg: string, hint: string) => new ConnectorError('E_SOURCE', msg, { cause: e, hint });
  switch (kind) {
    case 'missing_bucket':
      return mk(`bucket ${loc.bucket} does not exist (${op} ${where})`, 'create the bucket or fix `bucket` in the config');
    case 'credentials':
      return mk(`no AWS credentials were found for ${where}: ${detail}`, 'set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run with a container or instance role; credentials never go in the config file');
    case 'auth':
      return mk(`access denied by S3 for ${op} on ${where} (${(e as SdkError).name ?? 'AccessDenied'}): the credentials are wrong, expired, or lack permission`, `grant s3:ListBucket on ${loc.bucket} and s3:GetObject on its prefix to the identity in use`);
    case 'region':
      return mk(`the bucket ${loc.bucket} is not in region ${loc.region} (${detail})`, 'set `region` to the bucket’s region');
    case 'unreachable':
      return mk(`cannot reach S3 at ${where}${attemptsNote(e)}: ${detail}`, 'check the endpoint, the network and any proxy; the landing was not listed');
    case 'tls':
      return mk(`TLS failed talking to ${where}: ${detail}`, 'the endpoint’s certificate is not trusted; fix the certificate or NODE_EXTRA_CA_CERTS');
    case 'throttled':
    case 'server':
      return mk(`S3 kept failing for ${op} on ${where}${attemptsNote(e)}: ${detail}`, 'S3 is throttling or unavailable; run again later or lower concurrency');
    default:
      return mk(`${op} on ${where} failed: ${detail}`, 'check the bucket, prefix and endpoint in the config');
  }
}

/**
 * An error opening or reading one object: vanished (skipped by the run), retryable (read again
 * from the start), or not. The key is not in the message: file names may carry identifiers, and
 * the run names the file (hashed unless clear names are on).
 */
export function s3ObjectError(e: unknown): ConnectorError {
  if (e instanceof ConnectorError) return e;
  const kind = classifyS3Error(e);
  const detail = errorMessage(e);
  switch (kind) {
    case 'missing_key':
      return new ConnectorError('E_VANISHED', 'the object vanished between listing and reading (NoSuchKey)', { cause: e });
    case 'aborted':
      return new ConnectorError('E_READ', 'the read was aborted', { cause: e, retryable: false });
    case 'auth':
      return new ConnectorError('E_READ', `access denied reading the object (${(e as SdkError).name ?? 'AccessDenied'})`, { cause: e, hint: 'grant s3:GetObject on the prefix to the identity in use' });
    case 'missing_bucket':
      return new ConnectorError('E_READ', 'the bucket vanished while the run was reading it', { cause: e, retryable: true });
    default:
      // Throttling, 5xx and resets that outlasted the SDK's retries, and a body cut mid-stream:
      // the run reads the file again from its start.
      return new ConnectorError('E_READ', `reading the object failed${attemptsNote(e)}: ${detail}`, { cause: e, retryable: true });
  }
}
