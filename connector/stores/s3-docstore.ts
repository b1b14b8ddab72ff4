import { ConnectorError, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { S3_ENCRYPTION_PROPERTY, classifyS3Error, createS3Client, listObjects, s3LocationError, sseParams, type S3ClientObserver, type S3Connection, type S3Encryption } from '../clients/s3.js';
import type { StoreComponent } from './store.js';
import { checkKey, isHiddenKey, readAll, type DocStore } from '../../state/docstore.js';

const GET_ALL_CONCURRENCY = 16;

export interface S3StoreConfig extends S3Connection, S3Encryption {
  type: 's3';
}

/** The state or schema registry in a bucket. */
export const s3Store: StoreComponent<S3StoreConfig> = {
  type: 's3',
  schema: {
    $ref: '#/$defs/s3Connection',
    properties: {
      kms_key_id: { ...S3_ENCRYPTION_PROPERTY.kms_key_id, description: 'Documents are written with SSE-KMS under this key; without it, SSE-S3 (AES256).' },
    },
  },
  async create(cfg, ctx) {
    return createS3DocStore(cfg, ctx.log, ctx.deps.onS3Client);
  },
};

/**
 * The S3 backend of the DocStore: one `<prefix><key>.json` object per document, the same layout as
 * the local backend. A PutObject is atomic (readers see the old or the new object, never half), so
 * no temp + rename is needed. Every document is written with server-side encryption: SSE-KMS under
 * `kms_key_id` when set, else SSE-S3 (AES256).
 */
async function createS3DocStore(cfg: S3StoreConfig, log: Logger, observe?: S3ClientObserver): Promise<DocStore> {
  const s = await createS3Client(cfg, 'state', 'the registry endpoint (state / schema_registry)', observe);
  const { client, sdk, prefix } = s;
  const loc = { ...cfg, prefix };
  const uri = `s3://${cfg.bucket}/${prefix}`;
  const objectKey = (key: string) => {
    checkKey(key);
    return `${prefix}${key}.json`;
  };
  const sse = sseParams(cfg);

  const storeError = (e: unknown, op: string): ConnectorError => {
    const base = s3LocationError(e, loc, op);
    // Same wording as for the landing, but it is the registry that failed.
    return new ConnectorError('E_STATE', `registry ${uri}: ${base.message}`, { cause: e, ...(base.hint ? { hint: base.hint.replace('s3:GetObject on its prefix', 's3:GetObject, s3:PutObject and s3:DeleteObject on its prefix') } : {}) });
  };

  const store: DocStore = {
    uri,
    async get<T>(key: string): Promise<T | undefined> {
      const k = objectKey(key);
      let text: string;
      try {
        const res = await client.send(new sdk.GetObjectCommand({ Bucket: cfg.bucket, Key: k }));
        text = (await res.Body?.transformToString('utf8')) ?? '';
      } catch (e) {
        if (classifyS3Error(e) === 'missing_key') return undefined;
        throw storeError(e, 'reading a document from');
      }
      try {
        return JSON.parse(text) as T;
      } catch (e) {
        throw new ConnectorError('E_STATE', `registry ${uri}: document ${key} is not valid JSON (${errorMessage(e)})`, { hint: 'restore it from a backup or delete it so it is rebuilt' });
      }
    },
    async put(key: string, doc: unknown): Promise<void> {
      const body = JSON.stringify(doc, null, 1) + '\n';
      try {
        await client.send(new sdk.PutObjectCommand({ Bucket: cfg.bucket, Key: objectKey(key), Body: body, ContentType: 'application/json', ...sse }));
      } catch (e) {
        throw storeError(e, 'writing a document to');
      }
    },
    async list(p: string): Promise<string[]> {
      const sub = p ? p.replace(/\/?$/, '/') : '';
      const out: string[] = [];
      for await (const o of listObjects(s, cfg.bucket, prefix + sub, { onError: (e) => storeError(e, 'listing') })) {
        const k = o.Key!.slice(prefix.length);
        if (!k.endsWith('.json')) continue;
        const key = k.slice(0, -5);
        if (isHiddenKey(key)) continue;
        out.push(key);
      }
      return out.sort();
    },
    async getAll<T>(p: string): Promise<Array<[string, T]>> {
      return readAll<T>(store, p, GET_ALL_CONCURRENCY);
    },
    async delete(key: string): Promise<void> {
      try {
        await client.send(new sdk.DeleteObjectCommand({ Bucket: cfg.bucket, Key: objectKey(key) }));
      } catch (e) {
        if (classifyS3Error(e) === 'missing_key') return;
        throw storeError(e, 'deleting a document from');
      }
    },
    async getVersioned<T>(key: string) {
      const k = objectKey(key);
      try {
        const res = await client.send(new sdk.GetObjectCommand({ Bucket: cfg.bucket, Key: k }));
        const text = (await res.Body?.transformToString('utf8')) ?? '';
        return { doc: JSON.parse(text) as T, version: res.ETag ?? '' };
      } catch (e) {
        if (classifyS3Error(e) === 'missing_key') return undefined;
        throw storeError(e, 'reading a document from');
      }
    },
    // S3's conditional writes: If-None-Match: * creates only, If-Match replaces or deletes only the
    // version read; a lost race is 412 Precondition Failed (or 409 when two writes race).
    async create(key: string, doc: unknown) {
      const body = JSON.stringify(doc, null, 1) + '\n';
      try {
        const res = await client.send(new sdk.PutObjectCommand({ Bucket: cfg.bucket, Key: objectKey(key), Body: body, ContentType: 'application/json', IfNoneMatch: '*', ...sse }));
        return res.ETag ?? '';
      } catch (e) {
        if (lostRace(e)) return undefined;
        throw storeError(e, 'creating a document in');
      }
    },
    async replaceIf(key: string, doc: unknown, version: string) {
      try {
        if (doc === null) {
          await client.send(new sdk.DeleteObjectCommand({ Bucket: cfg.bucket, Key: objectKey(key), IfMatch: version }));
          return '';
        }
        const body = JSON.stringify(doc, null, 1) + '\n';
        const res = await client.send(new sdk.PutObjectCommand({ Bucket: cfg.bucket, Key: objectKey(key), Body: body, ContentType: 'application/json', IfMatch: version, ...sse }));
        return res.ETag ?? '';
      } catch (e) {
        if (lostRace(e) || classifyS3Error(e) === 'missing_key') return undefined;
        throw storeError(e, 'writing a document to');
      }
    },
    async close() {
      client.destroy();
    },
  };
  log.debug({ event: 'docstore_open', uri }, 'S3 document store');
  return store;
}

/** A conditional write that lost: 412 Precondition Failed, or 409 ConditionalRequestConflict. */
function lostRace(e: unknown): boolean {
  const x = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = x.$metadata?.httpStatusCode;
  return status === 412 || status === 409 || x.name === 'PreconditionFailed' || x.name === 'ConditionalRequestConflict';
}
