import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import { ConnectorError, isConnectorError, errorMessage } from '../errors.js';
import type { FileEntry, StreamState } from '../../state/state-registry.js';
import { priorStateFromDocument, type PriorStateDocument } from '../run/prior-state.js';

/**
 * The Airbyte protocol as this source speaks it: message builders, the configured catalog, and the
 * GLOBAL state whose shared state holds the committed files (the same document `read --state`
 * accepts). Only what the protocol defines is written; tests validate every message against the
 * protocol's own published definition.
 */

export interface StreamDescriptor {
  name: string;
  namespace?: string;
}

export type AirbyteMessage = { type: string; [k: string]: unknown };

export const PROTOCOL_VERSION = '0.3.2';

/** One message as one line on `out`, waiting for the reader when the pipe is full. */
export async function writeMessage(out: NodeJS.WritableStream, msg: AirbyteMessage): Promise<void> {
  if (!out.write(JSON.stringify(msg) + '\n')) await once(out, 'drain');
}

export function logMessage(level: 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE', message: string): AirbyteMessage {
  return { type: 'LOG', log: { level, message } };
}

export type FailureType = 'config_error' | 'system_error' | 'transient_error';

export function errorTrace(message: string, failureType: FailureType, internal?: string, stream?: StreamDescriptor): AirbyteMessage {
  return {
    type: 'TRACE',
    trace: {
      type: 'ERROR',
      emitted_at: Date.now(),
      error: { message, failure_type: failureType, ...(internal ? { internal_message: internal } : {}), ...(stream ? { stream_descriptor: stream } : {}) },
    },
  };
}

export function statusTrace(stream: StreamDescriptor, status: 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE'): AirbyteMessage {
  return { type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: { stream_descriptor: stream, status } } };
}

/** Which failures are the user's to fix (config, credentials, bad landed data) and which are ours or the network's. */
export function failureTypeOf(e: unknown): FailureType {
  const code = isConnectorError(e) ? e.code : undefined;
  if (code === 'E_CONFIG' || code === 'E_USAGE') return 'config_error';
  if (isConnectorError(e) && e.retryable) return 'transient_error';
  return 'system_error';
}

export function errorTraceFor(e: unknown): AirbyteMessage {
  const message = isConnectorError(e) ? `${e.message}${e.hint ? ` (${e.hint})` : ''}` : `internal error: ${errorMessage(e)}`;
  return errorTrace(message, failureTypeOf(e), e instanceof Error ? (e.stack ?? e.message) : String(e));
}

// --- configured catalog -------------------------------------------------------------------------

export interface ConfiguredStream {
  stream: StreamDescriptor;
  syncMode: 'full_refresh' | 'incremental';
}

/** Parse a ConfiguredAirbyteCatalog file; every problem is a config error naming the field. */
export async function loadConfiguredCatalog(file: string): Promise<ConfiguredStream[]> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new ConnectorError('E_USAGE', `cannot read --catalog ${file}: ${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}`, { hint: 'pass the configured catalog (ConfiguredAirbyteCatalog) as JSON' });
  }
  const streams = (doc as { streams?: unknown })?.streams;
  if (!Array.isArray(streams)) throw new ConnectorError('E_USAGE', `--catalog ${file}: "streams" must be an array (a ConfiguredAirbyteCatalog)`);
  return streams.map((s, i) => {
    const st = (s as { stream?: { name?: unknown; namespace?: unknown }; sync_mode?: unknown }) ?? {};
    if (typeof st.stream?.name !== 'string') throw new ConnectorError('E_USAGE', `--catalog ${file}: streams[${i}].stream.name must be a string`);
    const mode = st.sync_mode ?? 'full_refresh';
    if (mode !== 'full_refresh' && mode !== 'incremental') throw new ConnectorError('E_USAGE', `--catalog ${file}: streams[${i}].sync_mode must be full_refresh or incremental`);
    return {
      stream: { name: st.stream.name, ...(typeof st.stream.namespace === 'string' ? { namespace: st.stream.namespace } : {}) },
      syncMode: mode,
    };
  });
}

// --- state ----------------------------------------------------------------------------------------

/** What the shared state of the GLOBAL state holds: the committed files of every connector stream. */
export interface SharedState extends PriorStateDocument {
  state_version: 1;
  tenant_id: string;
  connector_id: string;
}

/**
 * The state a platform passes back with `--state`: an array of state messages (what Airbyte
 * persists), one state message, a legacy `{"data": ...}`, or the shared state itself. Only the
 * GLOBAL state of this tenant and connector counts; anything else is ignored.
 */
export async function loadAirbyteState(file: string, config: Config): Promise<Map<string, StreamState>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConnectorError('E_USAGE', `cannot read --state ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (!text.trim()) return new Map();
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ConnectorError('E_USAGE', `--state ${file}: not JSON; expected the state messages the platform persisted`);
  }
  const shared: unknown[] = [];
  const visit = (m: unknown) => {
    if (!m || typeof m !== 'object') return;
    const o = m as Record<string, unknown>;
    if (o['type'] === 'STATE' && o['state']) return visit(o['state']);
    if (o['type'] === 'GLOBAL' || o['global']) return shared.push((o['global'] as { shared_state?: unknown } | undefined)?.shared_state);
    if ('data' in o && !('streams' in o)) return visit(o['data']);
    if ('streams' in o) shared.push(o);
  };
  if (Array.isArray(doc)) doc.forEach(visit);
  else visit(doc);
  const out = new Map<string, StreamState>();
  for (const s of shared) {
    if (!s || typeof s !== 'object') continue;
    const d = s as Partial<SharedState>;
    if ((d.tenant_id && d.tenant_id !== config.tenant_id) || (d.connector_id && d.connector_id !== config.connector_id)) continue;
    for (const [sid, st] of priorStateFromDocument(d as PriorStateDocument)) {
      const into = out.get(sid);
      if (!into) out.set(sid, st);
      else for (const [p, f] of st.files) into.files.set(p, f);
    }
  }
  return out;
}

/** The part of a committed file entry the state carries (enough to skip the file and to say when it was read). */
export function stateEntry(f: FileEntry): Record<string, unknown> {
  return {
    sha256: f.sha256,
    size: f.size,
    hint: f.hint,
    file_id: f.file_id,
    ...(f.rows !== undefined ? { rows: f.rows } : {}),
    ...(f.committed_at ? { committed_at: f.committed_at } : {}),
  };
}
