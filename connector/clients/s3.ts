import { isIPv4 } from 'node:net';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { ConnectorError, errorMessage } from '../errors.js';

/**
 * The one place S3 clients are built, for every S3 path the connector has (the landing, the state
 * and schema registries, later the sink), so endpoint policy, checksums and retries are the same
 * everywhere. Credentials are never taken from the config: the SDK's default chain (environment,
 * shared profile, container or instance role) supplies them.
 */
export interface S3Location {
  bucket: string;
  prefix?: string | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
  force_path_style?: boolean | undefined;
  allow_http_for_local_development?: boolean | undefined;
  max_attempts?: number | undefined;
  retry_mode?: 'standard' | 'adaptive' | undefined;
}

export type S3Purpose = 'source' | 'state' | 'sink';

/**
 * Test-only injection point: called with every client this module builds, so a test can add a
 * middleware that injects faults on the real HTTP path (below the SDK's retry strategy). Never set
 * in production; unset, it costs one property read per client.
 */
export const s3ClientHooks: { onCreate?: ((client: S3Client, purpose: S3Purpose) => void) | undefined } = {};

export const DEFAULT_S3_ATTEMPTS = 5;

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

/** The prefix as a folder: '' or ending with '/', never starting with '/'. */
export function normalizePrefix(prefix: string | undefined): string {
  let p = (prefix ?? '').replace(/^\/+/, '');
  if (p && !p.endsWith('/')) p += '/';
  return p;
}

export function createS3Client(loc: S3Location, purpose: S3Purpose, field = purpose === 'source' ? 'source.endpoint' : `${purpose}.endpoint`): S3Client {
  const url = validateEndpoint(loc.endpoint, loc.allow_http_for_local_development ?? false, field);
  const cfg: S3ClientConfig = {
    region: loc.region ?? 'us-east-1',
    // Request-level retries: exponential backoff with full jitter on throttling (503 SlowDown),
    // 5xx, timeouts and connection resets before a response. A body that breaks mid-stream is
    // retried by the run, from the start of the file.
    maxAttempts: loc.max_attempts ?? DEFAULT_S3_ATTEMPTS,
    retryMode: loc.retry_mode ?? 'standard',
    forcePathStyle: loc.force_path_style ?? false,
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
  const client = new S3Client(cfg);
  s3ClientHooks.onCreate?.(client, purpose);
  return client;
}

/** Where a request went, for messages: s3://bucket/prefix (via endpoint). */
export function describeLocation(loc: S3Location): string {
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

export type S3Failure = 'missing_bucket' | 'missing_key' | 'auth' | 'credentials' | 'region' | 'unreachable' | 'tls' | 'throttled' | 'server' | 'aborted' | 'other';

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
export function s3LocationError(e: unknown, loc: S3Location, op: string): ConnectorError {
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
      return mk(`the bucket ${loc.bucket} is not in region ${loc.region ?? 'us-east-1'} (${detail})`, 'set `region` to the bucket’s region');
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
