import { readFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import { ConnectorError } from '../errors.js';
import type { FileEntry, StreamState } from '../../state/state-registry.js';

/**
 * `read --state FILE`: what the orchestrator committed. Accepts the CHECKPOINT messages of earlier
 * reads (NDJSON, any other message lines are ignored) or a JSON document
 * `{"streams": {"<stream>": {"files": {"<path>": {"sha256": "...", "size": 1, "hint": {...}}}}}}`.
 */
export async function loadPriorState(file: string, config: Config): Promise<Map<string, StreamState>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConnectorError('E_USAGE', `cannot read --state ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const out = new Map<string, StreamState>();
  const put = (streamId: string, e: FileEntry) => {
    let st = out.get(streamId);
    if (!st) {
      st = { stream_id: streamId, files: new Map(), doc: undefined };
      out.set(streamId, st);
    }
    st.files.set(e.path, e);
  };
  const trimmed = text.trim();
  if (trimmed === '') return out;
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch {
    doc = undefined;
  }
  if (doc && typeof doc === 'object' && !Array.isArray(doc) && 'streams' in (doc as object)) return priorStateFromDocument(doc as PriorStateDocument);
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (!line.trim()) continue;
    let m: { type?: string; checkpoint?: { stream_id?: string; tenant_id?: string; connector_id?: string; file?: Partial<FileEntry> } };
    try {
      m = JSON.parse(line);
    } catch {
      throw new ConnectorError('E_USAGE', `--state ${file}: line ${lineNo} is not JSON`);
    }
    if (m.type !== 'CHECKPOINT' || !m.checkpoint?.file || !m.checkpoint.stream_id) continue;
    if (m.checkpoint.tenant_id && m.checkpoint.tenant_id !== config.tenant_id) continue;
    if (m.checkpoint.connector_id && m.checkpoint.connector_id !== config.connector_id) continue;
    const f = m.checkpoint.file;
    if (typeof f.path !== 'string') continue;
    put(m.checkpoint.stream_id, normalise(f.path, f));
  }
  return out;
}

/** `{"streams": {"<stream>": {"files": {"<path>": {...}}}}}`: the committed files an orchestrator holds. */
export interface PriorStateDocument {
  streams: Record<string, { files?: Record<string, Partial<FileEntry>> }>;
}

export function priorStateFromDocument(doc: PriorStateDocument): Map<string, StreamState> {
  const out = new Map<string, StreamState>();
  for (const [sid, s] of Object.entries(doc.streams ?? {})) {
    const st: StreamState = { stream_id: sid, files: new Map(), doc: undefined };
    for (const [path, f] of Object.entries(s?.files ?? {})) st.files.set(path, normalise(path, f ?? {}));
    out.set(sid, st);
  }
  return out;
}

function normalise(path: string, f: Partial<FileEntry>): FileEntry {
  const size = typeof f.size === 'number' ? f.size : -1;
  return {
    state_version: 1,
    path,
    uri: f.uri ?? '',
    file_id: f.file_id ?? '',
    status: f.status ?? 'committed',
    ...(f.sha256 ? { sha256: f.sha256 } : {}),
    size,
    hint: f.hint ?? { size, mtime_ms: -1 },
    run_id: f.run_id ?? '',
    at: f.at ?? '',
  };
}
