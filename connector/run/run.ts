import { createHash } from 'node:crypto';
import PQueue from 'p-queue';
import type { ResolvedStream } from '../config.js';
import { ConnectorError, EXIT_CODES, describeError, errorMessage, isConnectorError, type ErrorCode, type ExitCode } from '../errors.js';
import type { RemoteFile } from '../sources/source.js';
import { ARCHIVE_MESSAGE, BACKUP_MESSAGE, backupKind } from '../sources/match.js';
import type { Sink } from '../sinks/sink.js';
import { checkpointUri, type FileEntry, type StreamState } from '../../state/state-registry.js';
import { ingestFile, toReadError, type Delivery, type PreparedFile } from './ingest-file.js';
import { planRun, type PlanItem } from './plan.js';
import { auditFor, createSinks, driftGateFor, type Runtime } from './runtime.js';
import { ChangeIndex } from '../../state/change-index.js';
import { leaseName, Leases, type Lease } from '../../state/lease.js';
import { zeroCounts, type ChangeCounts } from '../changes/capture.js';
import { NO_AUDIT, type AuditLog, type FileAccess } from '../audit.js';
import type { DriftDecision } from '../drift/gate.js';
import { selects, type Selection } from './selection.js';
import { MemoryBudget } from './memory.js';
import { WorkerPool, workerCount, workerScript } from './worker-pool.js';

export interface FileReport {
  stream_id: string;
  file_id: string;
  path?: string;
  status: 'committed' | 'failed' | 'refused' | 'quarantined' | 'skipped' | 'pending' | 'held';
  reason?: string;
  code?: string;
  message?: string;
  line?: number;
  offset?: number;
  rows?: number;
  rows_rejected?: number;
  sha256?: string;
  drift_alert_ids?: string[];
}

export interface RunSummary {
  type?: 'SUMMARY';
  summary_version: 1;
  command: 'run' | 'read';
  run_id: string;
  tenant_id: string;
  connector_id: string;
  status: 'ok' | 'partial' | 'drift_failed' | 'interrupted' | 'config_error' | 'source_unavailable' | 'state_unavailable' | 'streams_busy';
  exit_code: ExitCode | 130;
  files_discovered: number;
  files_processed: number;
  files_skipped: number;
  files_failed: number;
  files_refused: number;
  files_quarantined: number;
  files_pending: number;
  rows_emitted: number;
  rows_rejected: number;
  bytes_read: number;
  drift_alerts: number;
  duration_ms: number;
  /** Peak resident memory of this process so far, in bytes. */
  max_rss_bytes: number;
  /** Threads that parsed the files (1: the main thread). */
  workers?: number;
  /** Temp files of earlier runs that are gone (killed), removed at the start of this one. */
  debris_removed: { files: number; bytes: number };
  /** Landed files moved or deleted after their commit (streams' after_commit), and those left in place because that failed. */
  after_commit: { archived: number; deleted: number; failed: number };
  started_at: string;
  /** Streams skipped because another run holds their lease (run mode). */
  streams_busy?: Array<{ stream_id: string; lease: string; holder_run_id: string; expires_at: string }>;
  /**
   * Streams whose lease this run lost while it worked (it could not renew in time and another run
   * took the stream over): their files not yet delivered were left pending for that run.
   */
  streams_lost?: Array<{ stream_id: string; lease: string; lost_at: string }>;
  streams: Record<string, { files_processed: number; rows_emitted: number; rows_rejected: number; files_failed: number; vouchers_unbalanced: number; changes?: Record<string, ChangeCounts> }>;
  /** Per-file outcomes that need attention (failed, refused, quarantined, pending), at most 200. */
  files: FileReport[];
  error?: string;
}

export interface RunOptions {
  mode: 'run' | 'read';
  stdout: NodeJS.WritableStream;
  /** `read` only: committed files known to the orchestrator. */
  priorState?: Map<string, StreamState>;
  /** Which files this worker takes (all when empty). */
  selection?: Selection;
  signal?: AbortSignal;
}

const BACKOFF_BASE_MS = 200;
const BACKOFF_MAX_MS = 10_000;

function backoff(attempt: number): number {
  const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(cap / 2 + Math.random() * (cap / 2));
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

/**
 * Remove what killed runs left behind: staged outputs in the sinks' staging places, half-written
 * documents in the registries (state/debris.ts decides what is stale). Never fails the run.
 */
async function sweepDebris(rt: Runtime, sinks: Array<Sink | undefined>, summary: RunSummary): Promise<void> {
  const maxAge = rt.config.run.stale_after_minutes * 60_000;
  const tasks = [...sinks.map((s) => s?.sweep?.(maxAge)), rt.state.store.sweep?.(maxAge), rt.schemaStore.sweep?.(maxAge)];
  for (const r of await Promise.allSettled(tasks)) {
    if (r.status === 'fulfilled' && r.value) {
      summary.debris_removed.files += r.value.files;
      summary.debris_removed.bytes += r.value.bytes;
    } else if (r.status === 'rejected') rt.log.warn({ event: 'debris_sweep_failed', err: errorMessage(r.reason) }, 'temp files of earlier runs could not be removed');
  }
  if (summary.debris_removed.files) rt.log.info({ event: 'debris_removed', ...summary.debris_removed }, 'removed temp files that runs which are gone left behind');
}

/**
 * `run`: plan, ingest with bounded concurrency, deliver to the sink, commit checkpoints.
 * `read`: the same without writing state: checkpoints, drift alerts and dead letters are messages.
 */
export async function executeRun(rt: Runtime, opts: RunOptions): Promise<RunSummary> {
  const { config, log } = rt;
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const runDate = startedAt.slice(0, 10);
  const clear = config.privacy.clear_names;
  const summary: RunSummary = {
    summary_version: 1,
    command: opts.mode,
    run_id: rt.runId,
    tenant_id: config.tenant_id,
    connector_id: config.connector_id,
    status: 'ok',
    exit_code: EXIT_CODES.OK,
    files_discovered: 0,
    files_processed: 0,
    files_skipped: 0,
    files_failed: 0,
    files_refused: 0,
    files_quarantined: 0,
    files_pending: 0,
    rows_emitted: 0,
    rows_rejected: 0,
    bytes_read: 0,
    drift_alerts: 0,
    duration_ms: 0,
    max_rss_bytes: 0,
    debris_removed: { files: 0, bytes: 0 },
    after_commit: { archived: 0, deleted: 0, failed: 0 },
    started_at: startedAt,
    streams: {},
    files: [],
  };
  const report = (r: FileReport) => {
    if (summary.files.length < 200) summary.files.push(r);
  };
  const streamStats = (id: string) => (summary.streams[id] ??= { files_processed: 0, rows_emitted: 0, rows_rejected: 0, files_failed: 0, vouchers_unbalanced: 0 });
  const drift = driftGateFor(rt);
  const changeIndex = new ChangeIndex(rt.state.store, config.tenant_id, config.connector_id);
  const { sink, deadLetter } = await createSinks(rt, opts.mode, opts.stdout);
  const message = async (obj: unknown) => {
    if (opts.mode === 'read') await sink.message?.(JSON.stringify(obj));
  };
  log.info({ event: 'run_start', run_id: rt.runId, command: opts.mode, tenant_id: config.tenant_id, connector_id: config.connector_id, source: rt.source.kind }, 'run started');
  let audit: AuditLog = NO_AUDIT;
  const auditEnd = () =>
    audit
      .runEnd({ status: summary.status, exit_code: summary.exit_code, files_discovered: summary.files_discovered, files_processed: summary.files_processed, files_failed: summary.files_failed, files_refused: summary.files_refused, rows_emitted: summary.rows_emitted, duration_ms: summary.duration_ms, ...(summary.error ? { error: summary.error } : {}) })
      .catch((e) => log.error({ event: 'audit_write_failed', err: errorMessage(e) }, 'the end of the run could not be written to the audit log'));

  let items: PlanItem[];
  // Leases first, before planning: a stream another run is working on is skipped (its plan would be stale).
  const held: Lease[] = [];
  /** Streams whose lease was lost during the run: nothing more of theirs is delivered. */
  const lost = new Set<string>();
  let streams = config.streams;
  let renewTimer: NodeJS.Timeout | undefined;
  const releaseAll = async () => {
    if (renewTimer) clearInterval(renewTimer);
    await Promise.all(held.map((l) => l.release().catch((e) => log.warn({ event: 'lease_release_failed', lease: l.name, err: errorMessage(e) }, 'a lease could not be released; it expires on its own'))));
  };
  try {
    // The audit log first: a run that cannot record what it reads reads nothing.
    audit = await auditFor(rt, opts.mode);
    await audit.runStart(opts.mode);
    // A sink that cannot work (a bad endpoint) stops the run before anything is read.
    await sink.ready?.();
    await deadLetter?.ready?.();
    if (opts.mode === 'run') {
      const leases = new Leases(rt.state.store, config.tenant_id, config.connector_id, rt.runId, config.run.lease_ttl_seconds * 1000);
      const shard = opts.selection?.shard ? { index: opts.selection.shard.index, count: opts.selection.shard.of } : undefined;
      const busy = new Set<string>();
      const streamOf = new Map<string, string>();
      for (const st of config.streams) {
        const name = leaseName(st.id, shard);
        let got;
        try {
          got = await leases.acquire(name);
        } catch (e) {
          throw new ConnectorError('E_STATE', `the lease of stream ${st.id} could not be taken: ${errorMessage(e)}`, { cause: e });
        }
        if ('busy' in got) {
          busy.add(st.id);
          (summary.streams_busy ??= []).push({ stream_id: st.id, lease: name, holder_run_id: got.busy.holder.run_id, expires_at: got.busy.expires_at });
          log.warn({ event: 'stream_busy', stream_id: st.id, lease: name, holder: got.busy.holder.run_id, expires_at: got.busy.expires_at }, `stream ${st.id} is being worked on by run ${got.busy.holder.run_id}: skipped`);
        } else {
          held.push(got.lease);
          streamOf.set(got.lease.name, st.id);
          if (got.tookOver) log.warn({ event: 'lease_taken_over', stream_id: st.id, lease: name, previous_holder: got.tookOver.holder.run_id, expired_at: got.tookOver.expires_at }, `the lease of stream ${st.id} had expired (run ${got.tookOver.holder.run_id} stopped renewing it): taken over`);
        }
      }
      streams = config.streams.filter((st) => !busy.has(st.id));
      if (held.length) {
        renewTimer = setInterval(() => {
          for (const l of held) {
            if (lost.has(streamOf.get(l.name)!)) continue;
            l.renew().then(
              (ok) => {
                if (ok) return;
                const sid = streamOf.get(l.name)!;
                if (lost.has(sid)) return;
                lost.add(sid);
                (summary.streams_lost ??= []).push({ stream_id: sid, lease: l.name, lost_at: new Date().toISOString() });
                log.error({ event: 'lease_lost', stream_id: sid, lease: l.name }, `the lease ${l.name} was lost (this run did not renew it in time and another run took it over): the stream's files not yet delivered are left to that run`);
              },
              (e) => log.warn({ event: 'lease_renew_failed', lease: l.name, err: errorMessage(e) }, 'a lease could not be renewed; retrying'),
            );
          }
        }, Math.max(1000, (config.run.lease_ttl_seconds * 1000) / 3));
        renewTimer.unref();
      }
      await sweepDebris(rt, [sink, deadLetter], summary);
    }
    try {
      await drift.init(config.streams);
    } catch (e) {
      throw new ConnectorError('E_STATE', `the schema registry could not be read: ${errorMessage(e)}`, { cause: e });
    }
    items = await planRun(
      rt.source,
      streams,
      async (id) => {
        if (opts.mode === 'read') return opts.priorState?.get(id) ?? { stream_id: id, files: new Map(), doc: undefined };
        try {
          return await rt.state.loadStream(id);
        } catch (e) {
          throw isConnectorError(e) ? e : new ConnectorError('E_STATE', `the state registry could not be read: ${errorMessage(e)}`, { cause: e });
        }
      },
      { isHeld: (sid, e) => drift.holdStatus(sid, e) },
    );
  } catch (e) {
    await releaseAll();
    await sink.close().catch(() => {});
    await deadLetter?.close().catch(() => {});
    const ce = isConnectorError(e) ? e : new ConnectorError('E_SOURCE', errorMessage(e), { cause: e });
    const [status, code] =
      ce.code === 'E_STATE' ? (['state_unavailable', EXIT_CODES.STATE_UNAVAILABLE] as const)
      : ce.code === 'E_CONFIG' ? (['config_error', EXIT_CODES.CONFIG] as const)
      : (['source_unavailable', EXIT_CODES.SOURCE_UNAVAILABLE] as const);
    summary.status = status;
    summary.exit_code = code;
    summary.error = describeError(ce);
    summary.duration_ms = Date.now() - started;
    log.error({ event: 'run_failed', run_id: rt.runId, code: ce.code, err: ce.message }, summary.error);
    await auditEnd();
    return summary;
  }
  const selection = opts.selection;
  if (selection) items = items.filter((i) => selects(selection, i.file.key));

  summary.files_discovered = items.length;
  const queue = new PQueue({ concurrency: config.concurrency });
  // Parsing threads: when there are several files to read, or a CSV large enough to be split over
  // them (run/split-csv.ts); one small file parses on this thread.
  const reading = items.filter((i) => i.action === 'process' || i.action === 'verify');
  const splitMin = config.split_csv_min_bytes;
  const splittable = splitMin > 0 && reading.some((i) => i.file.size >= splitMin);
  const threads = Math.min(workerCount(config.workers), Math.max(Math.min(config.concurrency, reading.length), splittable ? workerCount(config.workers) : 1));
  const pool = threads >= 2 && WorkerPool.available() ? new WorkerPool(threads) : undefined;
  summary.workers = pool ? pool.size : 1;
  if (threads >= 2 && !pool) log.warn({ event: 'workers_unavailable', script: workerScript() }, 'the parsing threads need the build (dist/); parsing on the main thread');
  const memory = new MemoryBudget(config.limits, config.concurrency);
  const fileLimits = memory.fileLimits();
  let driftFailed = false;
  let stateFailed: ConnectorError | undefined;
  const abortAll = new AbortController();
  const onAbort = () => abortAll.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const idOf = (f: RemoteFile) => rt.fileId(f.uri);
  const pathField = (f: RemoteFile) => (clear ? { path: f.key } : {});
  /** One audit line per file access; the path is dropped there unless clear names are on. */
  const access = (item: PlanItem, fileId: string, a: Pick<FileAccess, 'action' | 'outcome'> & Partial<Pick<FileAccess, 'sha256' | 'bytes_read' | 'code'>>) =>
    audit.file({ stream_id: item.stream_id, file_id: fileId, path: item.file.key, size: item.file.size, ...a });

  const recordState = async (streamId: string, entry: FileEntry) => {
    if (opts.mode === 'read') return;
    try {
      await rt.state.putFile(streamId, entry);
    } catch (e) {
      stateFailed ??= new ConnectorError('E_STATE', `the state registry could not be written: ${errorMessage(e)}`, { cause: e });
      abortAll.abort();
      queue.clear();
      throw stateFailed;
    }
  };

  const baseEntry = (item: PlanItem, fileId: string): Omit<FileEntry, 'status'> => ({
    state_version: 1,
    path: item.file.key,
    uri: item.file.uri,
    file_id: fileId,
    size: item.file.size,
    hint: { size: item.file.size, mtime_ms: item.file.mtimeMs, ...(item.file.etag ? { etag: item.file.etag } : {}) },
    run_id: rt.runId,
    at: new Date().toISOString(),
    ...(item.prev?.status === 'committed' && item.prev.sha256
      ? { last_committed: { sha256: item.prev.sha256, committed_at: item.prev.committed_at ?? item.prev.at, rows: item.prev.rows ?? 0 } }
      : item.prev?.last_committed
        ? { last_committed: item.prev.last_committed }
        : {}),
  });

  const fail = async (item: PlanItem, fileId: string, e: ConnectorError, sha256?: string, bytesRead?: number) => {
    const refused = e.code === 'E_FILE_BACKUP' || item.refusal !== undefined;
    access(item, fileId, { action: refused ? 'refuse' : 'read', outcome: refused ? 'refused' : 'failed', code: e.code, ...(sha256 ? { sha256 } : {}), ...(bytesRead !== undefined ? { bytes_read: bytesRead } : refused ? { bytes_read: 0 } : {}) });
    if (refused) summary.files_refused++;
    else {
      summary.files_failed++;
      streamStats(item.stream_id).files_failed++;
    }
    const msg = describeError(e);
    log[refused ? 'warn' : 'error']({ event: refused ? 'file_refused' : 'file_failed', stream_id: item.stream_id, file_id: fileId, ...pathField(item.file), code: e.code, retryable: e.retryable, ...e.position }, msg);
    report({ stream_id: item.stream_id, file_id: fileId, ...pathField(item.file), status: refused ? 'refused' : 'failed', code: e.code, message: e.message + (e.hint ? `. ${e.hint}` : ''), ...(e.position?.line !== undefined ? { line: e.position.line } : {}), ...(e.position?.offset !== undefined ? { offset: e.position.offset } : {}) });
    await message({ type: 'FILE_ERROR', stream_id: item.stream_id, file_id: fileId, ...pathField(item.file), status: refused ? 'refused' : 'failed', code: e.code, message: msg, retryable: e.retryable, position: e.position ?? {} });
    await recordState(item.stream_id, {
      ...baseEntry(item, fileId),
      status: refused ? 'refused' : 'failed',
      ...(sha256 ? { sha256 } : {}),
      error: { code: e.code, message: e.message, retryable: e.retryable, ...(e.position?.line !== undefined ? { line: e.position.line } : {}), ...(e.position?.offset !== undefined ? { offset: e.position.offset } : {}), ...(e.hint ? { hint: e.hint } : {}) },
    });
    if (config.run.fail_fast) queue.clear();
  };

  /** A file of a stream whose lease was lost: left pending (no state written) for the run that holds it. */
  const leftToHolder = (item: PlanItem, fileId: string): boolean => {
    if (!lost.has(item.stream_id)) return false;
    summary.files_pending++;
    const reason = `the lease of stream ${item.stream_id} was lost to another run during this run: left to that run`;
    report({ stream_id: item.stream_id, file_id: fileId, ...pathField(item.file), status: 'pending', reason });
    log.warn({ event: 'file_left_to_holder', stream_id: item.stream_id, file_id: fileId, ...pathField(item.file) }, reason);
    return true;
  };

  const processItem = async (item: PlanItem) => {
    const fileId = idOf(item.file);
    const stream = item.stream as ResolvedStream;
    if (abortAll.signal.aborted) return;
    if (leftToHolder(item, fileId)) return;
    log.info({ event: 'file_started', stream_id: item.stream_id, file_id: fileId, ...pathField(item.file), size: item.file.size }, 'reading');
    await memory.admit();
    try {
      await ingestAndDeliver(item, fileId, stream);
    } finally {
      memory.release();
    }
  };

  const ingestAndDeliver = async (item: PlanItem, fileId: string, stream: ResolvedStream) => {
    let attempt = 0;
    let prepared: PreparedFile | undefined;
    for (;;) {
      try {
        prepared = await ingestFile(
          {
            config,
            limits: fileLimits,
            stream,
            source: rt.source,
            sink,
            deadLetterSink: deadLetter,
            runId: rt.runId,
            // A generation whose delivery was cut short keeps the partition it was first delivered to.
            runDate: item.prev?.status === 'delivering' && item.prev.output_date ? item.prev.output_date : runDate,
            fileId,
            log,
            versions: drift.registeredVersions(stream.id),
            signal: abortAll.signal,
            ...(stream.changes ? { changes: { config: stream.changes, index: changeIndex } } : {}),
            ...(pool ? { pool, splitMinBytes: splitMin > 0 ? splitMin : Number.POSITIVE_INFINITY } : {}),
            ...(opts.mode === 'read'
              ? {
                  wrap: { open: '{"type":"RECORD","record":', close: '}' },
                  deadLetterMessage: (rec) => JSON.stringify({ type: 'DEAD_LETTER', dead_letter: rec }) + '\n',
                }
              : {}),
          },
          item.file,
        );
        summary.bytes_read += prepared.raw_bytes;
        break;
      } catch (err) {
        const e = toReadError(err);
        if (abortAll.signal.aborted) return;
        attempt++;
        if (e.code === 'E_VANISHED') {
          summary.files_skipped++;
          access(item, fileId, { action: 'read', outcome: 'vanished', bytes_read: 0, code: e.code });
          log.warn({ event: 'file_vanished', stream_id: item.stream_id, file_id: fileId, ...pathField(item.file) }, 'the file vanished between listing and reading; skipped');
          report({ stream_id: item.stream_id, file_id: fileId, ...pathField(item.file), status: 'skipped', reason: 'vanished between listing and reading', code: e.code });
          return;
        }
        if (e.retryable && attempt < rt.source.readAttempts) {
          const wait = backoff(attempt);
          log.warn({ event: 'file_retry', stream_id: item.stream_id, file_id: fileId, attempt, wait_ms: wait, err: e.message }, 'read failed; retrying from the start of the file');
          await sleep(wait, abortAll.signal);
          continue;
        }
        await fail(item, fileId, e);
        return;
      }
    }

    // Drift gate: compare the file's inferred shape with the registry; its decision is data that
    // the output applies when it delivers (versions stamped, misfit rows withheld) or does not (held).
    let decision: DriftDecision;
    try {
      decision = await drift.decide(stream, { file_id: fileId, key: item.file.key, sha256: prepared.sha256, rows: prepared.rows, shapes: prepared.shapes, samples: prepared.samples }, opts.mode);
    } catch (e) {
      await prepared.abort().catch(() => {});
      const ce = isConnectorError(e) ? e : new ConnectorError('E_STATE', `the schema registry failed: ${errorMessage(e)}`, { cause: e, retryable: true });
      await fail(item, fileId, ce, prepared.sha256, prepared.raw_bytes);
      return;
    }
    summary.drift_alerts += decision.alerts.length;
    for (const a of decision.alerts) await message({ type: 'DRIFT_ALERT', alert: a });
    if (decision.outcome !== 'deliver') {
      await prepared.abort();
      if (decision.outcome === 'fail') {
        driftFailed = true;
        abortAll.abort();
        queue.clear();
      }
      summary.files_quarantined++;
      access(item, fileId, { action: 'read', outcome: 'quarantined', sha256: prepared.sha256, bytes_read: prepared.raw_bytes });
      report({ stream_id: item.stream_id, file_id: fileId, ...pathField(item.file), status: 'quarantined', reason: decision.outcome === 'fail' ? 'drift policy fail: run stopped' : 'drift policy quarantine', drift_alert_ids: decision.alerts.map((a) => a.id), sha256: prepared.sha256 });
      await recordState(item.stream_id, { ...baseEntry(item, fileId), status: 'quarantined', sha256: prepared.sha256, rows: prepared.rows, drift_alert_ids: decision.heldBy });
      return;
    }

    // The lease may have been lost while the file was read: its new holder delivers it instead.
    if (lost.has(item.stream_id)) {
      await prepared.abort();
      leftToHolder(item, fileId);
      return;
    }
    // The intent first: a run that stops between delivery and checkpoint leaves `delivering`, and
    // the next run delivers under the same name (overwriting) instead of a second copy.
    const outputDate = item.prev?.status === 'delivering' && item.prev.output_date ? item.prev.output_date : runDate;
    await recordState(item.stream_id, { ...baseEntry(item, fileId), status: 'delivering', sha256: prepared.sha256, rows: prepared.rows, output_date: outputDate });
    let out: Delivery;
    try {
      out = await prepared.deliver(decision);
    } catch (e) {
      await prepared.abort().catch(() => {});
      const se = isConnectorError(e) && e.code === 'E_SINK' ? e : new ConnectorError('E_SINK', `the sink could not deliver the output: ${errorMessage(e)}`, { cause: e, retryable: true });
      await fail(item, fileId, se, prepared.sha256, prepared.raw_bytes);
      return;
    }
    summary.files_processed++;
    summary.rows_emitted += out.rows;
    summary.rows_rejected += out.rows_rejected;
    const ss = streamStats(item.stream_id);
    ss.files_processed++;
    ss.rows_emitted += out.rows;
    ss.rows_rejected += out.rows_rejected;
    ss.vouchers_unbalanced += prepared.unbalanced;
    if (out.changes) {
      ss.changes ??= {};
      for (const [e, c] of Object.entries(out.changes)) {
        const t = (ss.changes[e] ??= zeroCounts());
        for (const k of Object.keys(c) as Array<keyof ChangeCounts>) t[k] += c[k];
      }
    }
    const now = new Date().toISOString();
    // The generation last committed at this path (the previous entry, or the one a failed, held or
    // interrupted generation kept as last_committed) is superseded when the bytes differ.
    const prev = item.prev;
    const lastCommitted = prev?.status === 'committed' && prev.sha256 ? { sha256: prev.sha256, ...(prev.committed_at ? { committed_at: prev.committed_at } : {}), ...(prev.rows !== undefined ? { rows: prev.rows } : {}) } : prev?.last_committed;
    const supersedes = lastCommitted && lastCommitted.sha256 !== prepared.sha256 && prev?.supersedes?.[0]?.sha256 !== lastCommitted.sha256 ? [lastCommitted, ...(prev?.supersedes ?? [])].slice(0, 20) : (prev?.supersedes ?? []);
    const entry: FileEntry = {
      ...baseEntry(item, fileId),
      status: 'committed',
      sha256: prepared.sha256,
      rows: out.rows,
      rows_rejected: out.rows_rejected,
      entities: out.entities,
      schema_versions: decision.versions,
      format: prepared.format,
      encoding: prepared.encoding,
      output: { uri: out.uri, ...(out.dead_letter_uri ? { dead_letter_uri: out.dead_letter_uri } : {}) },
      output_date: outputDate,
      committed_at: now,
      ...(supersedes.length ? { supersedes } : {}),
    };
    delete (entry as Partial<FileEntry>).last_committed;
    for (const w of prepared.warnings) log.warn({ event: 'file_warning', stream_id: item.stream_id, file_id: fileId, ...pathField(item.file) }, w);
    if (prepared.noRows) report({ stream_id: item.stream_id, file_id: fileId, ...pathField(item.file), status: 'committed', code: 'W_NO_ROWS', reason: `no rows: ${prepared.noRows}`, rows: 0, sha256: prepared.sha256 });
    log.info({ event: 'file_committed', stream_id: item.stream_id, file_id: fileId, ...pathField(item.file), rows: out.rows, rows_rejected: out.rows_rejected, bytes: prepared.raw_bytes, format: prepared.format, encoding: prepared.encoding, entities: out.entities, supersedes: supersedes[0]?.sha256 }, 'file delivered');
    if (opts.mode === 'read') {
      await message({
        type: 'CHECKPOINT',
        checkpoint: {
          tenant_id: config.tenant_id,
          connector_id: config.connector_id,
          stream_id: item.stream_id,
          last_checkpoint: checkpointUri(item.file.uri, prepared.sha256),
          file: entry,
        },
      });
      access(item, fileId, { action: 'read', outcome: 'proposed', sha256: prepared.sha256, bytes_read: prepared.raw_bytes });
    } else {
      await recordState(item.stream_id, entry);
      access(item, fileId, { action: 'read', outcome: 'committed', sha256: prepared.sha256, bytes_read: prepared.raw_bytes });
      await afterCommit(item, fileId, stream, prepared.sha256);
    }
  };

  /**
   * The stream's after_commit, once the checkpoint is in the registry: the landed file is moved to
   * the archive or deleted. A failure leaves the file in place (the next run tries again, the file
   * being committed) and is reported; it never fails the run.
   */
  const afterCommit = async (item: PlanItem, fileId: string, stream: ResolvedStream, sha256: string | undefined) => {
    const action = stream.after_commit;
    if (opts.mode !== 'run' || action === 'keep' || abortAll.signal.aborted) return;
    try {
      const { uri } = await rt.source.dispose(item.file, action);
      summary.after_commit[action === 'archive' ? 'archived' : 'deleted']++;
      access(item, fileId, { action, outcome: action === 'archive' ? 'archived' : 'deleted', bytes_read: 0, ...(sha256 ? { sha256 } : {}) });
      log.info({ event: `file_${action === 'archive' ? 'archived' : 'deleted'}`, stream_id: item.stream_id, file_id: fileId, ...pathField(item.file), ...(clear && uri ? { to: uri } : {}) }, action === 'archive' ? 'moved to the archive after its commit' : 'deleted after its commit');
    } catch (e) {
      const ce = isConnectorError(e) ? e : new ConnectorError('E_DISPOSE', errorMessage(e), { cause: e });
      summary.after_commit.failed++;
      access(item, fileId, { action, outcome: 'failed', bytes_read: 0, code: ce.code, ...(sha256 ? { sha256 } : {}) });
      log.warn({ event: 'after_commit_failed', stream_id: item.stream_id, file_id: fileId, ...pathField(item.file), code: ce.code, err: ce.message }, `the file is committed but could not be ${action === 'archive' ? 'archived' : 'deleted'}; left in place`);
      report({ stream_id: item.stream_id, file_id: fileId, ...pathField(item.file), status: 'committed', code: ce.code, reason: `committed, but not ${action === 'archive' ? 'archived' : 'deleted'}: ${ce.message}` });
    }
  };

  const verifyItem = async (item: PlanItem): Promise<boolean> => {
    // Same size, new mtime/ETag: hash the bytes; unchanged content is skipped without emitting anything.
    const fileId = idOf(item.file);
    try {
      const h = createHash('sha256');
      const rs = await rt.source.open(item.file, { signal: abortAll.signal });
      let n = 0;
      for await (const c of rs as AsyncIterable<Buffer>) {
        h.update(c);
        n += c.length;
      }
      summary.bytes_read += n;
      const sha = h.digest('hex');
      const prevSha = item.prev?.sha256;
      if (sha === prevSha) {
        summary.files_skipped++;
        access(item, fileId, { action: 'verify', outcome: 'unchanged', sha256: sha, bytes_read: n });
        log.info({ event: 'file_unchanged', stream_id: item.stream_id, file_id: fileId, ...pathField(item.file) }, 'same checksum as committed; skipped');
        if (item.prev) await recordState(item.stream_id, { ...item.prev, hint: { size: item.file.size, mtime_ms: item.file.mtimeMs, ...(item.file.etag ? { etag: item.file.etag } : {}) } });
        if (item.prev?.status === 'committed' && item.stream) await afterCommit(item, fileId, item.stream as ResolvedStream, sha);
        return false;
      }
      return true;
    } catch (e) {
      const ce = toReadError(e);
      if (ce.code === 'E_VANISHED') {
        summary.files_skipped++;
        access(item, fileId, { action: 'verify', outcome: 'vanished', bytes_read: 0, code: ce.code });
        return false;
      }
      return true; // let the normal path retry and report
    }
  };

  const ordered = new Map<string, Array<{ key: string; work: () => Promise<unknown> }>>();
  const parallel: Array<{ size: number; work: () => Promise<unknown> }> = [];
  for (const item of items) {
    const fileId = idOf(item.file);
    switch (item.action) {
      case 'skip':
        summary.files_skipped++;
        // Committed earlier, still landed: a stream that archives or deletes does it now (an
        // earlier attempt failed, or after_commit was turned on since).
        if (opts.mode === 'run' && item.prev?.status === 'committed' && item.stream && item.stream.after_commit !== 'keep') {
          void queue.add(() => afterCommit(item, fileId, item.stream as ResolvedStream, item.prev?.sha256)).catch(() => {});
        }
        break;
      case 'pending':
        summary.files_pending++;
        report({ stream_id: item.stream_id, file_id: fileId, ...pathField(item.file), status: 'pending', reason: item.reason });
        log.info({ event: 'file_pending', stream_id: item.stream_id, file_id: fileId, ...pathField(item.file) }, item.reason);
        break;
      case 'hold':
        summary.files_skipped++;
        report({ stream_id: item.stream_id, file_id: fileId, ...pathField(item.file), status: 'held', reason: item.reason, ...(item.prev?.drift_alert_ids ? { drift_alert_ids: item.prev.drift_alert_ids } : {}) });
        break;
      case 'refuse': {
        const kind = backupKind(item.file.key);
        const e = item.refusal
          ? new ConnectorError(item.refusal.code as ErrorCode, `${item.refusal.reason}; the entry was not read`)
          : new ConnectorError('E_FILE_BACKUP', kind === 'archive' ? ARCHIVE_MESSAGE : BACKUP_MESSAGE);
        void queue.add(() => fail(item, fileId, e).catch(() => {}));
        break;
      }
      case 'verify':
      case 'process': {
        const work = item.action === 'verify' ? async () => (await verifyItem(item)) && (await processItem(item)) : () => processItem(item);
        if (item.stream?.changes) (ordered.get(item.stream_id) ?? ordered.set(item.stream_id, []).get(item.stream_id)!).push({ key: item.file.key, work });
        else parallel.push({ size: item.file.size, work });
        break;
      }
    }
  }
  // Files parsed side by side on several threads start largest first: the run ends when its last
  // file does, and a big file started last is a tail one thread reads alone (measured on a backfill
  // whose two day books came last in the plan). On one thread, the plan's order (mtime, path).
  // Drift decisions are taken per stream in the order files finish, whatever the order they start.
  if (pool) parallel.sort((a, b) => b.size - a.size);
  for (const p of parallel) void queue.add(p.work).catch(() => {});
  // A change stream's files are applied one at a time, in the order of their paths: each compares
  // with the key index the one before it left (other streams go on in parallel).
  const chains: Promise<unknown>[] = [];
  for (const list of ordered.values()) {
    list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    chains.push(list.reduce<Promise<unknown>>((prev, x) => prev.then(() => queue.add(x.work)).catch(() => {}), Promise.resolve()));
  }
  try {
    await Promise.all(chains);
    await queue.onIdle();
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await pool?.close();
    await sink.close().catch(() => {});
    await deadLetter?.close().catch(() => {});
  }

  // A run that completed establishes the streams it loaded first: later new entities are drift.
  if (opts.mode === 'run' && !stateFailed && !driftFailed && !opts.signal?.aborted) {
    try {
      await drift.establish(streams.map((s) => s.id));
    } catch (e) {
      log.warn({ event: 'establish_failed', err: errorMessage(e) }, 'the schema registry could not record that the streams are established');
    }
  }
  summary.duration_ms = Date.now() - started;
  summary.max_rss_bytes = process.resourceUsage().maxRSS * 1024;
  if (stateFailed) {
    summary.status = 'state_unavailable';
    summary.exit_code = EXIT_CODES.STATE_UNAVAILABLE;
    summary.error = describeError(stateFailed);
  } else if (driftFailed) {
    summary.status = 'drift_failed';
    summary.exit_code = EXIT_CODES.DRIFT_FAIL;
  } else if (opts.signal?.aborted) {
    summary.status = 'interrupted';
    summary.exit_code = 130;
  } else if (summary.files_failed > 0 || summary.files_refused > 0) {
    summary.status = 'partial';
    summary.exit_code = EXIT_CODES.PARTIAL;
  } else if (summary.streams_busy?.length || summary.streams_lost?.length) {
    summary.status = 'streams_busy';
    summary.exit_code = EXIT_CODES.STREAMS_BUSY;
  }
  await releaseAll();
  log.info({ event: 'run_end', run_id: rt.runId, status: summary.status, files_processed: summary.files_processed, files_failed: summary.files_failed, rows_emitted: summary.rows_emitted, duration_ms: summary.duration_ms }, 'run finished');
  await auditEnd();
  return summary;
}

