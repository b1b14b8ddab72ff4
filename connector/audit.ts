import { appendFile, mkdir } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { ConnectorError, errorMessage } from './errors.js';
import type { Logger } from './log.js';
import type { RuntimeDeps } from './component.js';
import { createS3Client, sseParams, type S3Connection, type S3Encryption } from './clients/s3.js';

/**
 * The audit log: append-only JSON lines, one when a run starts, one when it ends (whatever the
 * outcome), one per file access (read, verify, refuse, archive, delete) with what came of it.
 * Owner-only. No secrets, and no clear file names unless privacy.clear_names is on: files are
 * named by their id and sha256. The shape is schemas/audit.schema.json.
 *
 * A folder gets one file per day, appended to (`audit-YYYY-MM-DD.ndjson`); a bucket gets one
 * object per run (`<prefix>date=YYYY-MM-DD/<run id>.ndjson`, objects cannot be appended to),
 * rewritten as the run goes (at start, every 30 s, at the end), with server-side encryption.
 */
export type AuditConfig = { type: 'local'; path: string } | (S3Connection & S3Encryption & { type: 's3' });

export interface AuditActor {
  user: string;
  uid?: number;
  host: string;
  /** TALLY_AUDIT_ACTOR: who started the run, as the orchestrator names it (a DAG run, a job id). */
  orchestrator?: string;
  /** AWS_EXECUTION_ENV, when the run is in AWS (AWS_ECS_FARGATE, ...). */
  aws_execution_env?: string;
}

export type FileAction = 'read' | 'verify' | 'refuse' | 'archive' | 'delete';

export interface FileAccess {
  stream_id: string;
  file_id: string;
  path?: string;
  size: number;
  sha256?: string;
  /** Bytes read from the landing for this access (absent when a read failed part-way). */
  bytes_read?: number;
  action: FileAction;
  outcome: 'committed' | 'failed' | 'refused' | 'quarantined' | 'unchanged' | 'vanished' | 'archived' | 'deleted' | 'proposed';
  code?: string;
}

export interface AuditLog {
  runStart(command: string): Promise<void>;
  file(access: FileAccess): void;
  runEnd(summary: { status: string; exit_code: number; files_discovered: number; files_processed: number; files_failed: number; files_refused: number; rows_emitted: number; duration_ms: number; error?: string }): Promise<void>;
}

/** For `read` without a configured audit log. */
export const NO_AUDIT: AuditLog = {
  async runStart() {},
  file() {},
  async runEnd() {},
};

export function auditActor(env: NodeJS.ProcessEnv): AuditActor {
  let user = env['USER'] ?? env['LOGNAME'];
  let uid: number | undefined;
  try {
    const u = userInfo();
    user ??= u.username;
    uid = u.uid;
  } catch {
    // no passwd entry (an arbitrary uid in a container)
  }
  return {
    user: user ?? 'unknown',
    ...(uid !== undefined ? { uid } : {}),
    host: hostname(),
    ...(env['TALLY_AUDIT_ACTOR'] ? { orchestrator: env['TALLY_AUDIT_ACTOR'].slice(0, 200) } : {}),
    ...(env['AWS_EXECUTION_ENV'] ? { aws_execution_env: env['AWS_EXECUTION_ENV'] } : {}),
  };
}

interface LineStore {
  /** Add lines (each ends with a newline) and make them durable. */
  append(lines: string): Promise<void>;
  close(): Promise<void>;
}

async function localLines(dir: string): Promise<LineStore> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return {
    async append(lines) {
      // One append per batch: O_APPEND, so lines of concurrent runs never interleave mid-line.
      await appendFile(join(dir, `audit-${new Date().toISOString().slice(0, 10)}.ndjson`), lines, { mode: 0o600, flag: 'a' });
    },
    async close() {},
  };
}

async function s3Lines(cfg: AuditConfig & { type: 's3' }, runId: string, deps: RuntimeDeps): Promise<LineStore> {
  const { client, sdk, prefix } = await createS3Client(cfg, 'sink', 'audit.endpoint', deps.onS3Client);
  const key = `${prefix}date=${new Date().toISOString().slice(0, 10)}/${runId}.ndjson`;
  let all = '';
  return {
    async append(lines) {
      all += lines;
      await client.send(new sdk.PutObjectCommand({ Bucket: cfg.bucket, Key: key, Body: all, ContentType: 'application/x-ndjson', ...sseParams(cfg) }));
    },
    async close() {
      client.destroy();
    },
  };
}

export async function createAuditLog(cfg: AuditConfig, ctx: { tenantId: string; connectorId: string; runId: string; clearNames: boolean; env: NodeJS.ProcessEnv; log: Logger; deps: RuntimeDeps }): Promise<AuditLog> {
  let store: LineStore;
  try {
    store = cfg.type === 'local' ? await localLines(cfg.path) : await s3Lines(cfg, ctx.runId, ctx.deps);
  } catch (e) {
    if (e instanceof ConnectorError && e.code === 'E_CONFIG') throw e;
    throw new ConnectorError('E_STATE', `the audit log cannot be written: ${errorMessage(e)}`, { cause: e, hint: 'check audit (or the state registry it defaults to) in the config' });
  }
  const base = { audit_version: 1 as const, run_id: ctx.runId, tenant_id: ctx.tenantId, connector_id: ctx.connectorId };
  let pending: string[] = [];
  let chain: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const flush = (): Promise<void> => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    const lines = pending.join('');
    pending = [];
    if (!lines) return chain;
    chain = chain.then(() =>
      store.append(lines).catch((e) => {
        ctx.log.error({ event: 'audit_write_failed', err: errorMessage(e) }, 'the audit log could not be written');
      }),
    );
    return chain;
  };
  const add = (o: Record<string, unknown>) => {
    pending.push(JSON.stringify({ ...base, at: new Date().toISOString(), ...o }) + '\n');
    // File lines are batched (a run over ten thousand files is not ten thousand writes).
    if (pending.length >= 500) void flush();
    else timer ??= setTimeout(() => void flush(), cfg.type === 's3' ? 30_000 : 1000).unref();
  };
  return {
    async runStart(command) {
      // The first line is written before anything is read, and a run that cannot write it stops.
      const line = JSON.stringify({ ...base, at: new Date().toISOString(), event: 'run_start', command, actor: auditActor(ctx.env) }) + '\n';
      try {
        await store.append(line);
      } catch (e) {
        throw new ConnectorError('E_STATE', `the audit log cannot be written: ${errorMessage(e)}`, { cause: e, hint: 'check audit (or the state registry it defaults to) in the config' });
      }
    },
    file(a) {
      const { path, ...rest } = a;
      add({ event: 'file', ...rest, ...(ctx.clearNames && path !== undefined ? { path } : {}) });
    },
    async runEnd(summary) {
      add({ event: 'run_end', ...summary });
      await flush();
      await store.close();
    },
  };
}
