import { Readable, addAbortSignal } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import type { S3SourceConfig } from '../config.js';
import { ConnectorError } from '../errors.js';
import type { Logger } from '../log.js';
import { DEFAULT_S3_ATTEMPTS, createS3Client, normalizePrefix, s3LocationError, s3ObjectError } from '../clients/s3.js';
import { unsafeRelativeKey } from '../clients/paths.js';
import type { OpenOptions, RemoteFile, Source } from './source.js';

/**
 * An S3 bucket (or S3-compatible store) under a prefix. Listing is ListObjectsV2 page by page;
 * reads are streamed from GetObject, never buffered whole. The tenant cannot read outside its
 * prefix: keys are always prefix + a relative key that has no `..` segment.
 */
export function createS3Source(cfg: S3SourceConfig, log: Logger): Source {
  const prefix = normalizePrefix(cfg.prefix);
  const loc = { ...cfg, prefix };
  // Built now so a bad endpoint is a config error before anything is read.
  const client: S3Client = createS3Client(loc, 'source', 'source.endpoint');
  const rootUri = `s3://${cfg.bucket}/${prefix}`;
  const pageSize = cfg.page_size ?? 1000;

  return {
    kind: 's3',
    rootUri,
    settleMs: (cfg.settle_seconds ?? 0) * 1000,
    readAttempts: cfg.max_attempts ?? DEFAULT_S3_ATTEMPTS,
    async *list(): AsyncGenerator<RemoteFile> {
      let token: string | undefined;
      let pages = 0;
      do {
        let page: ListObjectsV2CommandOutput;
        try {
          page = await client.send(
            new ListObjectsV2Command({ Bucket: cfg.bucket, Prefix: prefix || undefined, MaxKeys: pageSize, ContinuationToken: token }),
          );
        } catch (e) {
          throw s3LocationError(e, loc, pages === 0 ? 'listing' : `listing page ${pages + 1} of`);
        }
        pages++;
        for (const o of page.Contents ?? []) {
          if (!o.Key || !o.Key.startsWith(prefix)) continue;
          const key = o.Key.slice(prefix.length);
          if (key.endsWith('/')) continue; // a "folder" marker made by consoles, not a file
          if (unsafeRelativeKey(key)) {
            log.warn({ event: 'key_refused', source: 's3' }, 'a key with `..`, `.` or empty path segments was refused (it could be read as leaving the prefix)');
            continue;
          }
          yield {
            key,
            uri: `${rootUri}${key}`,
            size: o.Size ?? 0,
            mtimeMs: o.LastModified ? o.LastModified.getTime() : 0,
            ...(o.ETag ? { etag: o.ETag } : {}),
          };
        }
        // A truncated page without a token would loop forever on a broken server; stop instead.
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
        if (page.IsTruncated && !token) throw new ConnectorError('E_SOURCE', `listing ${rootUri} failed: the server said the page was truncated but gave no continuation token`);
      } while (token);
      log.debug({ event: 'listed', source: 's3', pages }, 'listed the landing');
    },
    async open(file: RemoteFile, opts: OpenOptions = {}): Promise<Readable> {
      if (unsafeRelativeKey(file.key)) {
        throw new ConnectorError('E_READ', 'refusing to read a key that would leave the landing prefix', { hint: 'keys are relative to the prefix and have no `..` segments' });
      }
      let body: Readable;
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: cfg.bucket, Key: prefix + file.key }), opts.signal ? { abortSignal: opts.signal } : {});
        if (!(res.Body instanceof Readable)) throw new ConnectorError('E_READ', 'GetObject returned no readable body', { retryable: true });
        body = res.Body;
      } catch (e) {
        throw s3ObjectError(e);
      }
      return guardBody(body, opts.signal);
    },
    async close() {
      client.destroy();
    },
  };
}

/**
 * The object body as the spine reads it: errors in the middle of the body (a reset, a timeout)
 * become retryable read errors, and an abort stops the transfer. Backpressure is the body's own:
 * nothing is read ahead beyond the stream's buffer.
 */
function guardBody(body: Readable, signal: AbortSignal | undefined): Readable {
  async function* pass(): AsyncGenerator<Buffer> {
    try {
      for await (const c of body as AsyncIterable<Buffer>) yield c;
    } catch (e) {
      throw s3ObjectError(e);
    } finally {
      if (!body.destroyed) body.destroy();
    }
  }
  const out = Readable.from(pass(), { objectMode: false, highWaterMark: 1 << 20 });
  if (signal) addAbortSignal(signal, out);
  return out;
}
