import { Readable, addAbortSignal } from 'node:stream';
import { ConnectorError } from '../errors.js';
import { createS3Client, s3LocationError, s3ObjectError, listObjects, type S3Connection } from '../clients/s3.js';
import { normalizePrefix, unsafeRelativeKey } from '../clients/paths.js';
import type { DisposeAction, OpenOptions, RefusalReport, RemoteFile, Source, SourceComponent } from './source.js';

export interface S3SourceConfig extends S3Connection {
  type: 's3';
  page_size: number;
  settle_seconds: number;
  archive_to?: string;
}

/** CopyObject copies at most 5 GiB in one request. */
const MAX_COPY_BYTES = 5 * 1024 ** 3;

/**
 * An S3 bucket (or S3-compatible store) under a prefix. Listing is ListObjectsV2 page by page;
 * reads are streamed from GetObject, never buffered whole. The tenant cannot read outside its
 * prefix: keys are always prefix + a relative key that has no `..` segment.
 */
export const s3Source: SourceComponent<S3SourceConfig> = {
  type: 's3',
  schema: {
    $ref: '#/$defs/s3Connection',
    properties: {
      prefix: { type: 'string', default: '', description: 'Only keys under this prefix are listed; the tenant cannot read outside it.' },
      page_size: { type: 'integer', minimum: 1, maximum: 1000, default: 1000 },
      settle_seconds: { type: 'number', minimum: 0, default: 0, description: 'Objects modified more recently than this are left for the next run (still being uploaded).' },
      archive_to: { type: 'string', minLength: 1, description: 'Prefix in the same bucket that streams with `after_commit: archive` move committed objects to, keeping their keys relative to `prefix` (copy, then delete; both conditional on the ETag that was read). Beside the prefix, or inside it (then it is not listed); never the prefix itself or one above it.' },
    },
  },
  check(cfg) {
    if (cfg.archive_to !== undefined && normalizePrefix(cfg.prefix).startsWith(normalizePrefix(cfg.archive_to))) return 'archive_to is the source prefix or a prefix above it; give one beside or inside it';
    return undefined;
  },
  async create(cfg, ctx): Promise<Source> {
    // Built now so a bad endpoint is a config error before anything is read.
    const s = await createS3Client(cfg, 'source', `${ctx.field}.endpoint`, ctx.deps.onS3Client);
    const { client, sdk, prefix } = s;
    const rootUri = `s3://${cfg.bucket}/${prefix}`;
    const loc = { ...cfg, prefix };
    const archive = cfg.archive_to !== undefined ? normalizePrefix(cfg.archive_to) : undefined;
    return {
      kind: 's3',
      rootUri,
      settleMs: cfg.settle_seconds * 1000,
      readAttempts: cfg.max_attempts,
      async *list(refused?: RefusalReport): AsyncGenerator<RemoteFile> {
        let pages = 0;
        for await (const o of listObjects(s, cfg.bucket, prefix, { pageSize: cfg.page_size, onError: (e, page) => s3LocationError(e, loc, page === 0 ? 'listing' : `listing page ${page + 1} of`) })) {
          if (!o.Key!.startsWith(prefix)) continue;
          if (archive && o.Key!.startsWith(archive)) continue; // where committed objects are archived
          const key = o.Key!.slice(prefix.length);
          if (key.endsWith('/')) continue; // a "folder" marker made by consoles, not a file
          const file: RemoteFile = {
            key,
            uri: `${rootUri}${key}`,
            size: o.Size ?? 0,
            mtimeMs: o.LastModified ? o.LastModified.getTime() : 0,
            ...(o.ETag ? { etag: o.ETag } : {}),
          };
          if (unsafeRelativeKey(key)) {
            refused?.({ file, code: 'E_KEY_UNSAFE', reason: 'a key with `..`, `.` or empty path segments (it could be read as leaving the prefix)' });
            continue;
          }
          pages++;
          yield file;
        }
        ctx.log.debug({ event: 'listed', source: 's3', objects: pages }, 'listed the landing');
      },
      async open(file: RemoteFile, opts: OpenOptions = {}): Promise<Readable> {
        if (unsafeRelativeKey(file.key)) {
          throw new ConnectorError('E_READ', 'refusing to read a key that would leave the landing prefix', { hint: 'keys are relative to the prefix and have no `..` segments' });
        }
        let body: Readable;
        try {
          const res = await client.send(new sdk.GetObjectCommand({ Bucket: cfg.bucket, Key: prefix + file.key }), opts.signal ? { abortSignal: opts.signal } : {});
          if (!(res.Body instanceof Readable)) throw new ConnectorError('E_READ', 'GetObject returned no readable body', { retryable: true });
          body = res.Body;
        } catch (e) {
          throw s3ObjectError(e);
        }
        return guardBody(body, opts.signal);
      },
      async dispose(file: RemoteFile, action: DisposeAction) {
        if (unsafeRelativeKey(file.key)) throw new ConnectorError('E_DISPOSE', 'refusing to move a key that would leave the landing prefix');
        // Conditional on the ETag that was listed: an object replaced since is left for the next run.
        const ifMatch = file.etag ? { IfMatch: file.etag } : {};
        const key = prefix + file.key;
        let uri: string | undefined;
        try {
          if (action === 'archive') {
            if (!archive) throw new ConnectorError('E_CONFIG', 'after_commit: archive needs source.archive_to');
            if (file.size > MAX_COPY_BYTES) throw new ConnectorError('E_DISPOSE', 'objects above 5 GiB are not archived (CopyObject); left in place', { hint: 'use a lifecycle rule for these, or after_commit: delete' });
            const dest = archive + file.key;
            const source = `${cfg.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
            await client.send(new sdk.CopyObjectCommand({ Bucket: cfg.bucket, Key: dest, CopySource: source, ...(file.etag ? { CopySourceIfMatch: file.etag } : {}) }));
            uri = `s3://${cfg.bucket}/${dest}`;
          }
          await client.send(new sdk.DeleteObjectCommand({ Bucket: cfg.bucket, Key: key, ...ifMatch }));
        } catch (e) {
          if (e instanceof ConnectorError) throw e;
          const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
          if (status === 412) throw new ConnectorError('E_CHANGED', 'the object changed after it was read (ETag); left in place for the next run', { cause: e });
          throw new ConnectorError('E_DISPOSE', `the object could not be ${action === 'archive' ? 'archived' : 'deleted'}: ${s3ObjectError(e).message}`, { cause: e });
        }
        return uri ? { uri } : {};
      },
      async close() {
        client.destroy();
      },
    };
  },
};

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
