import { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Config } from '../config.js';
import { ConnectorError } from '../errors.js';
import type { FileEntry, StreamState } from '../../state/state-registry.js';
import type { RunSummary } from '../run/run.js';
import { META_PREFIX } from './catalog.js';
import { errorTrace, logMessage, stateEntry, statusTrace, type AirbyteMessage, type ConfiguredStream, type FailureType, type SharedState, type StreamDescriptor, writeMessage } from './protocol.js';

/**
 * `airbyte read` is `read` spoken in the Airbyte protocol: the same ingestion (nothing written to
 * the state registry, records staged per file so a file that fails sends none), its messages
 * translated line by line as they come:
 *   RECORD      → RECORD (namespace = stream id, name = entity, data = record + `_tally_*` metadata)
 *   CHECKPOINT  → STATE (GLOBAL; its shared state holds every committed file, the old ones included)
 *   DRIFT_ALERT, DEAD_LETTER, FILE_ERROR, SUMMARY → LOG
 * plus stream status traces and, when the run did not succeed, one error trace.
 */

export interface AirbytePlan {
  /** The config with only the streams the catalog selects something of. */
  config: Config;
  /** Selected entities per connector stream, with their sync mode. */
  selected: Map<string, Map<string, 'full_refresh' | 'incremental'>>;
  /** The committed files to skip: the passed state, for streams whose selected entities are all incremental. */
  skip: Map<string, StreamState>;
}

/** The catalog applied to the config and the passed state. */
export function planAirbyteRead(config: Config, catalog: ConfiguredStream[], state: Map<string, StreamState>): AirbytePlan {
  const known = new Set(config.streams.map((s) => s.id));
  const selected = new Map<string, Map<string, 'full_refresh' | 'incremental'>>();
  for (const c of catalog) {
    const ns = c.stream.namespace;
    if (ns === undefined || !known.has(ns)) {
      throw new ConnectorError('E_CONFIG', `the catalog selects ${ns ?? '(no namespace)'}.${c.stream.name}, but the config has no stream "${ns ?? ''}"`, {
        hint: 'run airbyte discover with this config and select streams from its catalog (namespace = stream id, name = entity)',
      });
    }
    let m = selected.get(ns);
    if (!m) selected.set(ns, (m = new Map()));
    m.set(c.stream.name, c.syncMode);
  }
  if (selected.size === 0) throw new ConnectorError('E_CONFIG', 'the configured catalog selects no stream', { hint: 'select at least one stream of the discovered catalog' });
  const skip = new Map<string, StreamState>();
  for (const [sid, ents] of selected) {
    // A file holds every entity of its stream: its records can be skipped only when no selected
    // entity of the stream wants a full refresh.
    if ([...ents.values()].every((m) => m === 'incremental')) {
      const st = state.get(sid);
      if (st) skip.set(sid, st);
    }
  }
  return { config: { ...config, streams: config.streams.filter((s) => selected.has(s.id)) }, selected, skip };
}

interface Counters {
  records: number;
  rejected: number;
  unselected: number;
  sinceState: number;
  rejectedSinceState: number;
}

/**
 * The translating stdout of an `airbyte read`: takes the lines `read` writes, writes Airbyte
 * messages to `out`. `committed` starts from the passed state (every stream's files, the
 * unselected ones too, so no state is lost) and grows with each CHECKPOINT.
 */
export class AirbyteTranslator extends Writable {
  private rest = '';
  readonly counters: Counters = { records: 0, rejected: 0, unselected: 0, sinceState: 0, rejectedSinceState: 0 };
  private readonly running = new Set<string>();
  readonly failedStreams = new Set<string>();
  private retryableFailures = 0;
  readonly committed = new Map<string, Map<string, Record<string, unknown>>>();
  summary: RunSummary | undefined;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly config: Config,
    private readonly plan: AirbytePlan,
    prior: Map<string, StreamState>,
  ) {
    super({ decodeStrings: false });
    for (const [sid, st] of prior) this.committed.set(sid, new Map([...st.files].filter(([, f]) => f.status === 'committed').map(([p, f]) => [p, stateEntry(f)])));
  }

  descriptors(): StreamDescriptor[] {
    return [...this.plan.selected].flatMap(([ns, ents]) => [...ents.keys()].map((name) => ({ name, namespace: ns })));
  }

  async send(msg: AirbyteMessage): Promise<void> {
    await writeMessage(this.out, msg);
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    const text = this.rest + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    let wait = false;
    const buf: string[] = [];
    try {
      for (const line of lines) if (line) for (const m of this.translate(line)) buf.push(JSON.stringify(m));
    } catch (e) {
      cb(e as Error);
      return;
    }
    if (buf.length) wait = !this.out.write(buf.join('\n') + '\n');
    if (wait) once(this.out, 'drain').then(() => cb(), cb);
    else cb();
  }

  override _final(cb: (e?: Error | null) => void): void {
    try {
      if (this.rest) for (const m of this.translate(this.rest)) this.out.write(JSON.stringify(m) + '\n');
      this.rest = '';
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }

  /** One `read` message → Airbyte messages. */
  translate(line: string): AirbyteMessage[] {
    const m = JSON.parse(line) as Record<string, unknown>;
    switch (m['type']) {
      case 'RECORD':
        return this.record(m['record'] as Record<string, unknown>);
      case 'CHECKPOINT':
        return this.checkpoint(m['checkpoint'] as { stream_id: string; file: FileEntry });
      case 'DRIFT_ALERT': {
        const a = m['alert'] as { stream_id: string; entity: string; severity: string; action: string; message: string; id: string };
        return [logMessage('WARN', `schema drift (${a.severity}, ${a.action}) in ${a.stream_id}.${a.entity}: ${a.message} [alert ${a.id}]`)];
      }
      case 'DEAD_LETTER': {
        const d = m['dead_letter'] as { stream_id: string; file_id: string; entity?: string; line?: number; offset?: number; code: string; reason: string };
        this.counters.rejected++;
        this.counters.rejectedSinceState++;
        const at = d.line !== undefined ? ` line ${d.line}` : d.offset !== undefined ? ` byte ${d.offset}` : '';
        return [logMessage('WARN', `row rejected in ${d.stream_id} file ${d.file_id}${at}: ${d.code} ${d.reason}`)];
      }
      case 'FILE_ERROR': {
        this.failedStreams.add(String(m['stream_id']));
        if (m['retryable'] === true) this.retryableFailures++;
        const pos = m['position'] as { line?: number; offset?: number } | undefined;
        const at = pos?.line !== undefined ? ` at line ${pos.line}` : pos?.offset !== undefined ? ` at byte ${pos.offset}` : '';
        return [logMessage('ERROR', `file ${m['file_id']} of stream ${m['stream_id']} ${m['status']}${at}: ${m['code']} ${m['message']}${m['retryable'] ? ' (retryable: read again next sync)' : ''}`)];
      }
      case 'SUMMARY': {
        const { type: _t, ...s } = m;
        this.summary = s as unknown as RunSummary;
        return [logMessage('INFO', `summary ${JSON.stringify(s)}`)];
      }
      default:
        return [logMessage('DEBUG', line)];
    }
  }

  private record(env: Record<string, unknown>): AirbyteMessage[] {
    const sid = env['stream_id'] as string;
    const entity = env['entity'] as string;
    if (!this.plan.selected.get(sid)?.has(entity)) {
      this.counters.unselected++;
      return [];
    }
    const data: Record<string, unknown> = { ...(env['record'] as Record<string, unknown>) };
    for (const [k, v] of Object.entries(env)) if (k !== 'record' && k !== 'envelope_version') data[META_PREFIX + k] = v;
    this.counters.records++;
    this.counters.sinceState++;
    const out: AirbyteMessage[] = [];
    const key = `${sid}\0${entity}`;
    if (!this.running.has(key)) {
      this.running.add(key);
      out.push(statusTrace({ name: entity, namespace: sid }, 'RUNNING'));
    }
    const emittedAt = Date.parse(env['emitted_at'] as string);
    out.push({ type: 'RECORD', record: { namespace: sid, stream: entity, emitted_at: Number.isFinite(emittedAt) ? emittedAt : Date.now(), data } });
    return out;
  }

  private checkpoint(c: { stream_id: string; file: FileEntry }): AirbyteMessage[] {
    let files = this.committed.get(c.stream_id);
    if (!files) this.committed.set(c.stream_id, (files = new Map()));
    files.set(c.file.path, stateEntry(c.file));
    const msg = this.stateMessage();
    this.counters.sinceState = 0;
    this.counters.rejectedSinceState = 0;
    return [msg];
  }

  sharedState(): SharedState {
    const streams: SharedState['streams'] = {};
    for (const [sid, files] of [...this.committed].sort(([a], [b]) => a.localeCompare(b))) streams[sid] = { files: Object.fromEntries(files) as never };
    return { state_version: 1, tenant_id: this.config.tenant_id, connector_id: this.config.connector_id, streams };
  }

  stateMessage(): AirbyteMessage {
    return {
      type: 'STATE',
      state: {
        type: 'GLOBAL',
        global: {
          shared_state: this.sharedState(),
          stream_states: this.descriptors().map((d) => ({ stream_descriptor: d, stream_state: { files_committed: this.committed.get(d.namespace!)?.size ?? 0 } })),
        },
        sourceStats: { recordCount: this.counters.sinceState, rejectedRecordCount: this.counters.rejectedSinceState },
      },
    };
  }

  /** The closing messages: each stream's status, and an error trace when the run did not succeed. */
  closing(summary: RunSummary): AirbyteMessage[] {
    const out: AirbyteMessage[] = [];
    if (this.counters.unselected) out.push(logMessage('INFO', `${this.counters.unselected} record(s) of entities the catalog does not select were left out`));
    const ok = summary.exit_code === 0;
    for (const d of this.descriptors()) out.push(statusTrace(d, ok && !this.failedStreams.has(d.namespace!) ? 'COMPLETE' : 'INCOMPLETE'));
    if (!ok) out.push(errorTrace(failureMessage(summary), failureTypeOfSummary(summary, this.retryableFailures > 0), summary.error));
    return out;
  }
}

function failureMessage(s: RunSummary): string {
  if (s.error) return s.error;
  const bad = s.files.filter((f) => f.status === 'failed' || f.status === 'refused' || f.status === 'quarantined');
  const first = bad[0] as { file_id?: string; code?: string; reason?: string } | undefined;
  const n = s.files_failed + s.files_refused + s.files_quarantined;
  return `${n} file(s) could not be delivered (${s.status})${first ? `; first: file ${first.file_id} ${first.code ?? ''} ${first.reason ?? ''}`.trimEnd() : ''}. The other files were delivered and are in the state.`;
}

function failureTypeOfSummary(s: RunSummary, retryable: boolean): FailureType {
  switch (s.status) {
    case 'config_error':
    case 'drift_failed': // a human decides (drift accept/reject)
      return 'config_error';
    case 'interrupted':
      return 'transient_error';
    case 'partial': {
      // Bad landed data is the user's to fix; a transport failure goes away on a retry.
      return retryable ? 'transient_error' : 'config_error';
    }
    default:
      return 'system_error';
  }
}
