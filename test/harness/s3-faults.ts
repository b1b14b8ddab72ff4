import { Readable } from 'node:stream';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3Purpose } from '../../connector/clients/s3.js';
import { testDeps } from '../helpers/index.js';

/**
 * Fault injection on the real HTTP path of every S3 client the connector builds. The middleware sits
 * in the deserialize step at low priority, i.e. directly around the HTTP request handler and BELOW
 * the SDK's retry middleware: an injected 503 is retried by the SDK's real strategy (backoff with
 * jitter), exactly as a 503 from S3 would be; a body cut mid-stream reaches the connector as a reset.
 */
export type Fault =
  /** Answer with this HTTP error instead of sending the request. */
  | { kind: 'status'; status: number; code: string }
  /** Send the request, then break the response body after this many bytes (ECONNRESET). */
  | { kind: 'reset-body'; afterBytes: number }
  /** Run this before sending the request (e.g. delete the object). */
  | { kind: 'before'; run: () => Promise<void> };

export interface S3Call {
  command: string;
  key: string | undefined;
  /** 1-based count of this command on this key (per client purpose). */
  n: number;
  purpose: S3Purpose;
  at: number;
  fault?: Fault['kind'];
  status?: number;
  headers: Record<string, string>;
}

export type FaultPlan = (call: Omit<S3Call, 'at' | 'status' | 'fault' | 'headers'>) => Fault | undefined;

/**
 * Install a fault plan for the clients the connector builds from now on: through the factories'
 * `onS3Client` (the in-process CLI gets it via `testDeps`; direct factory calls pass `observe`).
 */
export function installS3Faults(plan: FaultPlan = () => undefined, opts: { conditions?: S3Client } = {}): { calls: S3Call[]; observe: (client: S3Client, purpose: S3Purpose) => void; uninstall(): void } {
  const calls: S3Call[] = [];
  const counts = new Map<string, number>();
  const observe = (client: S3Client, purpose: S3Purpose) => {
    client.middlewareStack.add(
      ((next: (a: any) => Promise<any>, context: { commandName?: string }) => async (args: any) => {
        const command = (context.commandName ?? '?').replace(/Command$/, '');
        const key: string | undefined = args.input?.Key;
        const ck = `${purpose}|${command}|${key ?? ''}`;
        const n = (counts.get(ck) ?? 0) + 1;
        counts.set(ck, n);
        const call: S3Call = { command, key, n, purpose, at: Date.now(), headers: { ...(args.request?.headers ?? {}) } };
        calls.push(call);
        const f = plan({ command, key, n, purpose });
        if (f) call.fault = f.kind;
        if (f?.kind === 'status') {
          call.status = f.status;
          const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${f.code}</Code><Message>injected ${f.code}</Message><RequestId>test</RequestId></Error>`;
          return { response: { statusCode: f.status, reason: f.code, headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'test' }, body: Readable.from([Buffer.from(xml)]) } };
        }
        if (f?.kind === 'before') await f.run();
        // A conditional request is checked and applied as one step per object, as S3 does: requests
        // on the same key wait for each other here (s3rver alone would let two creates both win).
        const condKey = opts.conditions && isConditional(call.headers) ? `${String(args.input?.Bucket)}/${String(args.input?.Key)}` : undefined;
        let release: (() => void) | undefined;
        if (condKey) {
          const prev = keyLocks.get(condKey) ?? Promise.resolve();
          const mine = new Promise<void>((r) => (release = r));
          keyLocks.set(condKey, prev.then(() => mine));
          await prev;
        }
        let out;
        try {
          if (opts.conditions) {
            const failed = await preconditionFails(opts.conditions, args.input ?? {}, call.headers);
            if (failed) {
              call.status = 412;
              const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code><Message>${failed}</Message><RequestId>test</RequestId></Error>`;
              return { response: { statusCode: 412, reason: 'Precondition Failed', headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'test' }, body: Readable.from([Buffer.from(xml)]) } };
            }
          }
          out = await next(args);
        } finally {
          release?.();
        }
        call.status = out?.response?.statusCode;
        if (f?.kind === 'reset-body' && out?.response?.body instanceof Readable) {
          out.response.body = cutAfter(out.response.body, f.afterBytes);
        }
        return out;
      }) as any,
      { step: 'deserialize', priority: 'low', name: 'testFaultInjection' },
    );
  };
  testDeps.onS3Client = observe;
  return {
    calls,
    observe,
    uninstall() {
      if (testDeps.onS3Client === observe) delete testDeps.onS3Client;
    },
  };
}

const keyLocks = new Map<string, Promise<void>>();

function isConditional(headers: Record<string, string>): boolean {
  return Object.keys(headers).some((k) => /^(if-match|if-none-match)$/i.test(k));
}

/**
 * S3's conditional requests, which s3rver ignores: If-Match / If-None-Match on the object itself
 * (PutObject, DeleteObject, GetObject) and x-amz-copy-source-if-match on CopyObject's source,
 * checked against the object's current ETag on the server (read with `admin`) as S3 checks them.
 * Returns why the precondition fails, or undefined.
 */
async function preconditionFails(admin: S3Client, input: { Bucket?: string; Key?: string }, headers: Record<string, string>): Promise<string | undefined> {
  const h = (n: string) => headers[n] ?? headers[n.toLowerCase()] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === n)?.[1];
  const etagOf = async (bucket: string, key: string): Promise<string | undefined> => {
    try {
      return (await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag;
    } catch {
      return undefined;
    }
  };
  const ifMatch = h('if-match');
  const ifNoneMatch = h('if-none-match');
  if ((ifMatch || ifNoneMatch) && input.Bucket && input.Key) {
    const cur = await etagOf(input.Bucket, input.Key);
    if (ifMatch && (cur === undefined || (ifMatch !== '*' && ifMatch !== cur))) return `If-Match ${ifMatch}: the object is ${cur ?? 'absent'}`;
    if (ifNoneMatch === '*' && cur !== undefined) return 'If-None-Match *: the object exists';
  }
  const copyIfMatch = h('x-amz-copy-source-if-match');
  const copySource = h('x-amz-copy-source');
  if (copyIfMatch && copySource) {
    const src = decodeURIComponent(copySource.replace(/^\//, ''));
    const slash = src.indexOf('/');
    const cur = await etagOf(src.slice(0, slash), src.slice(slash + 1));
    if (cur !== copyIfMatch) return `x-amz-copy-source-if-match ${copyIfMatch}: the source is ${cur ?? 'absent'}`;
  }
  return undefined;
}

/** Pass `limit` bytes of `src` through, then fail the way a reset connection does. */
export function cutAfter(src: Readable, limit: number): Readable {
  let seen = 0;
  let cut = false;
  const out = new Readable({
    read() {
      src.resume();
    },
    destroy(err, cb) {
      src.destroy();
      cb(err);
    },
  });
  src.on('data', (c: Buffer) => {
    if (cut) return;
    if (seen + c.length >= limit) {
      cut = true;
      out.push(c.subarray(0, limit - seen));
      seen = limit;
      src.pause();
      // Let the consumer take the partial bytes first: the failure is in the middle of the body.
      setTimeout(() => out.destroy(Object.assign(new Error('read ECONNRESET (injected mid-body)'), { code: 'ECONNRESET' })), 20);
      return;
    }
    seen += c.length;
    if (!out.push(c)) src.pause();
  });
  src.on('end', () => {
    if (!cut) out.push(null);
  });
  src.on('error', (e) => out.destroy(e));
  return out;
}
