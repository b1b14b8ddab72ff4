import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownerTag, sweep } from '../../state/debris.js';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Upload } from '@aws-sdk/lib-storage';
import { ConnectorError, errorMessage, isConnectorError } from '../errors.js';
import { S3_ENCRYPTION_PROPERTY, sseParams, type S3ClientObserver, type S3Connection, type S3Encryption } from '../clients/s3.js';
import { forgetDir, stageFile } from './_staged.js';
import { partitionPath, type OutputTarget, type Sink, type SinkComponent } from './sink.js';
import { COLUMNAR_PROPERTIES, deliverTyped, requireMeta, type ColumnarSinkFields } from './columnar.js';
import { divertRowLog, type ColumnarOptions } from '../output/columnar/convert.js';

export interface S3SinkConfig extends S3Connection, S3Encryption, Partial<ColumnarSinkFields> {
  type: 's3';
  /** ndjson (default), or typed columnar outputs; dead letters are always NDJSON. */
  format?: 'ndjson' | 'parquet' | 'arrow';
}

export const s3Sink: SinkComponent<S3SinkConfig> = {
  type: 's3',
  schema: {
    $ref: '#/$defs/s3Connection',
    description:
      'NDJSON objects in a bucket: <prefix>tenant=<t>/stream=<s>/date=<YYYY-MM-DD>/<file id>.<sha256 prefix>.ndjson, one per input file version. Each is staged in a local temp file and uploaded when its input file is complete, so an object appears only whole. Written with server-side encryption: SSE-KMS under kms_key_id when set, else SSE-S3 (AES256). Credentials come from the standard AWS chain.',
    properties: {
      ...S3_ENCRYPTION_PROPERTY,
      format: { enum: ['ndjson', 'parquet', 'arrow'], default: 'ndjson', description: 'ndjson: one NDJSON object per input file. parquet / arrow: one typed object per input file and entity under <prefix>tenant=<t>/stream=<s>/entity=<e>/run_date=<d>/, and a manifest per input file under <prefix>tenant=<t>/stream=<s>/_manifests/ uploaded last. Dead letters are NDJSON whatever the format.' },
      ...COLUMNAR_PROPERTIES,
    },
  },
  async create(cfg, ctx) {
    return createS3Sink(cfg, ctx.tenantId, { field: `${ctx.field}.endpoint`, ...(ctx.deps.onS3Client ? { observe: ctx.deps.onS3Client } : {}) }, ctx.threads);
  },
};

/** Upload part size and parts in flight per object: at most 16 MiB buffered per file being uploaded. */
const S3_SINK_PART_BYTES = 8 << 20;
const S3_SINK_QUEUE = 2;

export interface S3SinkOptions {
  /** Names the config field in endpoint errors: `sink.endpoint` or `dead_letter.endpoint`. */
  field?: string;
  observe?: S3ClientObserver;
  /** Multipart part size (S3's minimum is 5 MiB). */
  partSize?: number;
  queueSize?: number;
}

interface Setup {
  client: S3Client;
  Upload: typeof Upload;
  prefix: string;
  classify: (e: unknown) => string;
}

/**
 * NDJSON objects in a bucket: `<prefix>tenant=<t>/stream=<s>/date=<YYYY-MM-DD>/<file id>.<sha256:16>.ndjson`,
 * one per input file version. Staged exactly like the folder sink (a local temp file under
 * os.tmpdir(), owner-only, rewritable by the drift gate), then uploaded on commit with lib-storage
 * (one PutObject, or a multipart upload for outputs above one part). S3 makes an object visible only
 * when its upload completes (a multipart upload that fails is aborted), which gives the same
 * all-or-nothing delivery as the folder sink's rename. Every object is written with server-side
 * encryption: SSE-KMS under `kms_key_id` when set, else SSE-S3 (AES256).
 *
 * The S3 SDK and the client (connector/clients/s3.ts: endpoint policy, checksums, retries) load on
 * `ready()` or the first `open()`, so a run that does not use S3 never loads the SDK.
 */
function createS3Sink(cfg: S3SinkConfig, tenantId: string, opts: S3SinkOptions = {}, threads?: number): Sink {
  const field = opts.field ?? 'sink.endpoint';
  const dir = join(tmpdir(), `tally-connector-s3-${ownerTag()}`);
  const sse = sseParams(cfg);
  let setup: Promise<Setup> | undefined;
  const init = (): Promise<Setup> =>
    (setup ??= (async () => {
      const [clients, storage] = await Promise.all([import('../clients/s3.js'), import('@aws-sdk/lib-storage')]);
      const { client, prefix } = await clients.createS3Client(cfg, 'sink', field, opts.observe);
      return { client, Upload: storage.Upload, prefix, classify: clients.classifyS3Error };
    })());

  const uploadError = (e: unknown, s: Setup, uri: string): ConnectorError => {
    const kind = s.classify(e);
    const attempts = (e as { $metadata?: { attempts?: number } })?.$metadata?.attempts;
    const after = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
    const hint =
      kind === 'auth'
        ? `grant s3:PutObject${cfg.kms_key_id ? ' and kms:GenerateDataKey on the key' : ''} on ${cfg.bucket} to the identity in use`
        : kind === 'missing_bucket'
          ? `create the bucket ${cfg.bucket} or fix sink.bucket`
          : 'the file was not committed; the next run reads and delivers it again';
    return new ConnectorError('E_SINK', `upload to ${uri} failed${after}: ${errorMessage(e)}`, { cause: e, retryable: true, hint });
  };

  return {
    kind: 's3',
    rowFormat: cfg.format === 'parquet' || cfg.format === 'arrow' ? 'rowlog' : 'envelope',
    async ready() {
      await init();
    },
    async open(t: OutputTarget) {
      let s: Setup;
      try {
        s = await init();
      } catch (e) {
        // A bad sink config (e.g. an http endpoint without the switch) found while a file is open:
        // fail the file as retryable, so it is delivered once the config is fixed. Runs that call
        // `ready()` first stop with E_CONFIG before reading anything instead.
        if (isConnectorError(e)) throw new ConnectorError('E_SINK', e.message, { cause: e, retryable: true, ...(e.hint ? { hint: e.hint } : {}) });
        throw e;
      }
      let current: Upload | undefined;
      const upload = async (tmp: string, key: string, contentType: string): Promise<string> => {
        const uri = `s3://${cfg.bucket}/${key}`;
        const body = createReadStream(tmp, { highWaterMark: 1 << 20 });
        try {
          current = new s.Upload({
            client: s.client,
            params: { Bucket: cfg.bucket, Key: key, Body: body, ContentType: contentType, ...sse },
            partSize: opts.partSize ?? S3_SINK_PART_BYTES,
            queueSize: opts.queueSize ?? S3_SINK_QUEUE,
            leavePartsOnError: false,
          });
          await current.done();
        } catch (e) {
          throw uploadError(e, s, uri);
        } finally {
          current = undefined;
          body.destroy();
        }
        return uri;
      };
      const format = cfg.format ?? 'ndjson';
      if (format !== 'ndjson') {
        const fmt: ColumnarOptions = { format, compression: cfg.compression ?? 'zstd', rowGroupRows: cfg.row_group_rows ?? 65536, decimalScale: cfg.decimal_scale ?? 6, parallelMinBytes: cfg.parallel_min_bytes ?? 16 << 20, ...(threads ? { threads } : {}) };
        return stageFile(
          dir,
          async (tmp, _bytes, sha256, m, parts) =>
            // One object per entity, then the manifest (S3 has no multi-object commit; a killed run
            // leaves objects without a manifest, overwritten by the file's next delivery under the same names).
            deliverTyped([tmp, ...parts], requireMeta(m), fmt, tenantId, t, sha256, dir, false, {
              place: (src, rel, contentType) => upload(src, s.prefix + rel, contentType),
              async unplace(rel) {
                const { DeleteObjectCommand } = await import('@aws-sdk/client-s3');
                await s.client.send(new DeleteObjectCommand({ Bucket: cfg.bucket, Key: s.prefix + rel }));
              },
            }),
          {
            fsync: false,
            parts: true,
            withhold: async (tmp, checks, parts) => divertRowLog([tmp, ...parts], checks),
            onAbort: async () => {
              await current?.abort();
            },
          },
        );
      }
      return stageFile(
        dir,
        async (tmp, _bytes, sha256) => {
          try {
            return await upload(tmp, s.prefix + partitionPath(tenantId, t, sha256, '.ndjson'), 'application/x-ndjson');
          } finally {
            await rm(tmp, { force: true });
          }
        },
        {
          // The bytes leave this machine on commit; an fsync of the temp file would buy nothing.
          fsync: false,
          onAbort: async () => {
            await current?.abort();
          },
        },
      );
    },
    async sweep(maxAgeMs: number) {
      // Staging folders of runs that are gone; an upload a killed run left open is invisible (never
      // an object) and is aborted by the bucket's lifecycle rule (infra/: abortIncompleteMultipartUpload).
      return sweep(tmpdir(), /^tally-connector-s3-\d/, maxAgeMs);
    },
    async close() {
      if (setup) {
        const s = await setup.catch(() => undefined);
        s?.client.destroy();
      }
      await rm(dir, { recursive: true, force: true });
      forgetDir(dir);
    },
  };
}
