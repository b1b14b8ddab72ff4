import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type ListObjectsV2CommandOutput,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import type { S3StoreConfig } from '../config.js';
import { ConnectorError, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { classifyS3Error, createS3Client, normalizePrefix, s3LocationError } from '../clients/s3.js';
import { checkKey, readAll, type DocStore } from '../../state/docstore.js';

const GET_ALL_CONCURRENCY = 16;

/**
 * The S3 backend of the DocStore: one `<prefix><key>.json` object per document, the same layout as
 * the local backend. A PutObject is atomic (readers see the old or the new object, never half), so
 * no temp + rename is needed. Every document is written with server-side encryption: SSE-KMS under
 * `kms_key_id` when set, else SSE-S3 (AES256).
 */
export function createS3DocStore(cfg: S3StoreConfig, log: Logger): DocStore {
  const prefix = normalizePrefix(cfg.prefix);
  const loc = { ...cfg, prefix };
  const client = createS3Client(loc, 'state', 'the registry endpoint (state / schema_registry)');
  const uri = `s3://${cfg.bucket}/${prefix}`;
  const objectKey = (key: string) => {
    checkKey(key);
    return `${prefix}${key}.json`;
  };
  const sse: Pick<PutObjectCommandInput, 'ServerSideEncryption' | 'SSEKMSKeyId'> = cfg.kms_key_id
    ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: cfg.kms_key_id }
    : { ServerSideEncryption: 'AES256' };

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
        const res = await client.send(new GetObjectCommand({ Bucket: cfg.bucket, Key: k }));
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
        await client.send(
          new PutObjectCommand({ Bucket: cfg.bucket, Key: objectKey(key), Body: body, ContentType: 'application/json', ...sse }),
        );
      } catch (e) {
        throw storeError(e, 'writing a document to');
      }
    },
    async list(p: string): Promise<string[]> {
      const sub = p ? p.replace(/\/?$/, '/') : '';
      const out: string[] = [];
      let token: string | undefined;
      do {
        let page: ListObjectsV2CommandOutput;
        try {
          page = await client.send(new ListObjectsV2Command({ Bucket: cfg.bucket, Prefix: prefix + sub || undefined, ContinuationToken: token }));
        } catch (e) {
          throw storeError(e, 'listing');
        }
        for (const o of page.Contents ?? []) {
          const k = o.Key?.slice(prefix.length);
          if (!k || !k.endsWith('.json')) continue;
          const key = k.slice(0, -5);
          // Hidden file names are temp files in the local backend; keep both backends the same.
          if (key.slice(key.lastIndexOf('/') + 1).startsWith('.')) continue;
          out.push(key);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out.sort();
    },
    async getAll<T>(p: string): Promise<Array<[string, T]>> {
      return readAll<T>(store, p, GET_ALL_CONCURRENCY);
    },
    async delete(key: string): Promise<void> {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: cfg.bucket, Key: objectKey(key) }));
      } catch (e) {
        if (classifyS3Error(e) === 'missing_key') return;
        throw storeError(e, 'deleting a document from');
      }
    },
    async close() {
      client.destroy();
    },
  };
  log.debug({ event: 'docstore_open', uri }, 'S3 document store');
  return store;
}
