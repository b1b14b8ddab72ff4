import type { ValidateFunction } from 'ajv';
import type { ResolvedStream } from '../config.js';
import type { Logger } from '../log.js';
import { newAjv } from '../schemas.js';
import { sha256Hex } from '../hashing.js';
import type { FileEntry } from '../../state/state-registry.js';
import { SchemaRegistry, VersionTaken } from '../../state/schema-registry.js';
import { diffShapes, maxSeverity, mergeShapes } from './diff.js';
import { toJsonSchema } from './json-schema.js';
import { POLICIES, type DriftPolicy } from './policies.js';
import { describeType, type DriftAlert, type FieldChange, type FieldSample, type SchemaVersion, type Severity, type Shape } from './types.js';
import { withSamples } from './samples.js';
import type { DocStore } from '../../state/docstore.js';

/**
 * The drift gate: compares each file's inferred shapes with the schema registry and decides, as
 * data, what becomes of the file. It never touches the file's output: the module that owns the
 * output's format applies the decision (output/envelope.ts `finalizeLines`).
 */

/** Why a row does not fit its entity's registered schema (undefined: it fits). */
export type RowCheck = (record: unknown) => string | undefined;

/** What the gate decided for one file. */
export interface DriftDecision {
  /** Deliver the file's rows; or hold them (quarantine); or hold them and stop the run (fail). */
  outcome: 'deliver' | 'quarantine' | 'fail';
  alerts: DriftAlert[];
  /** Alerts that hold the file (quarantine, fail). */
  heldBy: string[];
  /** The schema version each entity's envelopes carry. */
  versions: Record<string, number>;
  /** The shape of each of those versions: what typed outputs (Parquet, Arrow) take their columns from. */
  shapes: Record<string, Shape>;
  /** Per entity, the rows to withhold from delivery: those the check rejects go to the dead letter. */
  divert: Record<string, RowCheck>;
}

/** What the gate needs to know of a file once it has been read. */
export interface InferredFile {
  file_id: string;
  /** Landing path, for the alert when clear names are on. */
  key: string;
  sha256: string;
  rows: number;
  shapes: Map<string, Shape>;
  /** Per entity and field path, the first values of each type the file holds there. */
  samples?: Map<string, Record<string, FieldSample[]>>;
}

export interface DriftGate {
  /** Load alerts and the streams' registered schemas; call once before planning. */
  init(streams: ResolvedStream[]): Promise<void>;
  /** The versions registered for a stream's entities right now (what a file's envelopes start with). */
  registeredVersions(streamId: string): Record<string, number>;
  decide(stream: ResolvedStream, file: InferredFile, mode: 'run' | 'read'): Promise<DriftDecision>;
  holdStatus(streamId: string, entry: FileEntry): 'hold' | 'release' | 'rejected';
  /** After a run over the streams completed: streams in their first load become established. */
  establish(streamIds: string[]): Promise<void>;
}

interface EntityVerdict {
  entity: string;
  base: SchemaVersion | undefined;
  shape: Shape;
  changes: FieldChange[];
  kind: 'first' | 'entity_added' | 'schema_changed' | 'same';
  proposed: Shape;
  renamed_from?: DriftAlert['renamed_from'];
}

export interface DriftGateOptions {
  schemaStore: DocStore;
  tenantId: string;
  connectorId: string;
  runId: string;
  log: Logger;
  clearNames: boolean;
}

export function createDriftGate(opts: DriftGateOptions): DriftGate {
  const registry = new SchemaRegistry(opts.schemaStore, opts.tenantId, toJsonSchema);
  const { log } = opts;
  const alerts = new Map<string, DriftAlert>();
  const entities = new Map<string, Map<string, SchemaVersion>>();
  /** Streams that had no registered entity when the run started: their first run registers silently. */
  const newStreams = new Set<string>();
  const locks = new Map<string, Promise<unknown>>();
  const validators = new Map<string, ValidateFunction>();
  let ajv: ReturnType<typeof newAjv> | undefined;

  const locked = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const prev = locks.get(key) ?? Promise.resolve();
    const p = prev.then(fn, fn);
    locks.set(key, p.catch(() => {}));
    return p;
  };

  const registeredFor = (streamId: string) => {
    let m = entities.get(streamId);
    if (!m) {
      m = new Map();
      entities.set(streamId, m);
    }
    return m;
  };

  /** Rows checked against a registered version: the reasons ajv gives, in one line. */
  const checkAgainst = (v: SchemaVersion): RowCheck => {
    const key = `${v.stream_id}/${v.entity}/${v.version}`;
    let f = validators.get(key);
    if (!f) {
      ajv ??= newAjv();
      f = ajv.compile(v.json_schema);
      validators.set(key, f);
    }
    const validate = f;
    return (record) => {
      if (validate(record)) return undefined;
      const reason = (validate.errors ?? []).slice(0, 5).map((x) => `${x.instancePath.slice(1).replace(/\//g, '.') || '(record)'} ${x.message ?? x.keyword}`).join('; ');
      return `does not match schema version ${v.version}: ${reason}`;
    };
  };

  return {
    async init(streams) {
      for (const a of await registry.alerts()) alerts.set(a.id, a);
      await Promise.all(
        streams.map(async (s) => {
          const [e, established] = await Promise.all([registry.entities(s.id), registry.isEstablished(s.id)]);
          entities.set(s.id, e);
          // Not yet established: no earlier run completed (a first run that was killed counts as none).
          if (e.size === 0 || !established) newStreams.add(s.id);
        }),
      );
    },

    async establish(streamIds) {
      for (const id of streamIds) {
        if (!newStreams.has(id)) continue;
        await registry.establish(id, opts.runId);
        newStreams.delete(id);
      }
    },

    registeredVersions(streamId) {
      const out: Record<string, number> = {};
      for (const [e, v] of registeredFor(streamId)) out[e] = v.version;
      return out;
    },

    holdStatus(_streamId, entry) {
      const ids = entry.drift_alert_ids ?? [];
      if (!ids.length) return 'release';
      const as = ids.map((id) => alerts.get(id));
      if (as.some((a) => a?.status === 'rejected')) return 'rejected';
      if (as.every((a) => a && (a.status === 'accepted' || a.status === 'evolved'))) return 'release';
      return 'hold';
    },

    decide(stream, file, mode) {
      return locked(stream.id, async () => {
        // Another process may register a version first (parallel workers, overlapping runs): version
        // documents are create-only, and the loser re-reads the entity and decides again. Alerts an
        // abandoned attempt wrote and the final decision does not raise are removed.
        const written = new Set<string>();
        for (let attempt = 0; ; attempt++) {
          try {
            const d: DriftDecision = await (async (): Promise<DriftDecision> => {
              const registered = registeredFor(stream.id);
              // A stream's first run registers version 1 of every entity it meets without alerts (a
              // masters file then a day book is not drift); later, a new entity is worth an alert.
              const streamWasEmpty = newStreams.has(stream.id) || registered.size === 0;
              const verdicts: EntityVerdict[] = [];
              for (const [entity, shape] of file.shapes) {
                const base = registered.get(entity);
                if (!base) {
                  if (streamWasEmpty) verdicts.push({ entity, base, shape, changes: [], kind: 'first', proposed: shape });
                  else {
                    const renamed = renameCandidate(shape, registered);
                    verdicts.push({ entity, base, shape, changes: [], kind: 'entity_added', proposed: shape, ...(renamed ? { renamed_from: renamed } : {}) });
                  }
                  continue;
                }
                const changes = diffShapes(base.shape, shape);
                if (!changes.length) verdicts.push({ entity, base, shape, changes, kind: 'same', proposed: base.shape });
                else verdicts.push({ entity, base, shape, changes, kind: 'schema_changed', proposed: mergeShapes(base.shape, shape) });
              }

              const sev = (v: EntityVerdict): Severity | undefined => (v.kind === 'entity_added' ? 'compatible' : v.kind === 'schema_changed' ? maxSeverity(v.changes) : undefined);
              const drifted = verdicts.filter((v) => sev(v));
              const fileSeverity: Severity | undefined = drifted.some((v) => sev(v) === 'breaking') ? 'breaking' : drifted.length ? 'compatible' : undefined;
              const policy: DriftPolicy | undefined = fileSeverity ? POLICIES[stream.drift[fileSeverity]] : undefined;
              const now = new Date().toISOString();
              const fileRef = { file_id: file.file_id, ...(opts.clearNames ? { path: file.key } : {}), sha256: file.sha256, rows: file.rows };

              const newAlerts: DriftAlert[] = drifted.map((v) => {
                const severity = sev(v)!;
                const id = 'a-' + sha256Hex(`${opts.tenantId}\0${stream.id}\0${v.entity}\0${file.sha256}\0${v.base?.version ?? 0}`).slice(0, 16);
                return {
                  alert_version: 1,
                  id,
                  tenant_id: opts.tenantId,
                  connector_id: opts.connectorId,
                  stream_id: stream.id,
                  entity: v.entity,
                  kind: v.kind === 'entity_added' ? 'entity_added' : 'schema_changed',
                  severity,
                  status: policy!.alertStatus,
                  action: policy!.name,
                  file: fileRef,
                  base_version: v.base?.version ?? 0,
                  changes: withSamples(v.changes, file.samples?.get(v.entity)),
                  ...(v.renamed_from ? { renamed_from: v.renamed_from } : {}),
                  proposed: v.proposed,
                  created_at: alerts.get(id)?.created_at ?? now,
                  run_id: opts.runId,
                  message: alertMessage(stream.id, v, severity, policy!),
                } satisfies DriftAlert;
              });

              // What to register, decided first; the alerts are written before any version, so that a run
              // stopped in between raises them again (their ids are the file's and the base version's)
              // instead of leaving a version no alert explains.
              const versions: Record<string, number> = {};
              const registrations: Array<{ v: EntityVerdict; reason: SchemaVersion['reason']; alert: DriftAlert | undefined }> = [];
              if (!policy?.withholds) {
                for (const v of verdicts) {
                  const alert = newAlerts.find((a) => a.entity === v.entity);
                  const next = (v.base?.version ?? 0) + 1;
                  switch (v.kind) {
                    case 'first':
                      registrations.push({ v, reason: 'first_file', alert: undefined });
                      versions[v.entity] = next;
                      break;
                    case 'same':
                      versions[v.entity] = v.base!.version;
                      break;
                    case 'entity_added':
                      // A new entity has nothing to be checked against: its first version is registered whatever the policy.
                      registrations.push({ v, reason: policy!.registersChange ? 'evolve' : 'first_file', alert });
                      versions[v.entity] = next;
                      if (alert && policy!.registersChange) alert.resolved_version = next;
                      break;
                    case 'schema_changed':
                      if (policy!.registersChange) {
                        registrations.push({ v, reason: 'evolve', alert });
                        versions[v.entity] = next;
                        if (alert) alert.resolved_version = next;
                      } else versions[v.entity] = v.base!.version; // keep the version; rows that do not fit may be diverted below
                      break;
                  }
                }
                if (policy?.registersChange) for (const a of newAlerts) a.resolved_at = now;
              }

              for (const a of newAlerts) {
                // Only an alert this decision creates may be removed again; one that exists (a stopped run's) stays.
                const existed = alerts.has(a.id);
                alerts.set(a.id, a);
                if (mode === 'run') {
                  await registry.putAlert(a);
                  if (!existed) written.add(a.id);
                }
                log.warn(
                  { event: 'drift_alert', alert_id: a.id, stream_id: a.stream_id, entity: a.entity, severity: a.severity, action: a.action, status: a.status, file_id: a.file.file_id, changes: a.changes.length, base_version: a.base_version },
                  a.message,
                );
              }

              if (mode === 'run') {
                for (const { v, reason, alert } of registrations) {
                  const want = (v.base?.version ?? 0) + 1;
                let doc: SchemaVersion;
                try {
                  doc = await registry.register(stream.id, v.entity, v.proposed, { reason, run_id: opts.runId, file_id: file.file_id, ...(alert ? { alert_id: alert.id } : {}) }, want);
                } catch (e) {
                  // This file's own registration, made by a run that stopped before its checkpoint: the same decision again.
                  const prior = e instanceof VersionTaken ? await registry.version(stream.id, v.entity, want) : undefined;
                  if (!prior || prior.file_id !== file.file_id || diffShapes(prior.shape, v.proposed).length || diffShapes(v.proposed, prior.shape).length) throw e;
                  doc = prior;
                  await registry.ensureCurrent(stream.id, v.entity, want);
                }
                  registered.set(v.entity, doc);
                  if (doc.version !== versions[v.entity]) {
                    versions[v.entity] = doc.version;
                    if (alert?.resolved_version !== undefined) {
                      alert.resolved_version = doc.version;
                      await registry.putAlert(alert);
                    }
                  }
                }
              }

              if (policy?.withholds) {
                const heldBy = newAlerts.filter((a) => a.severity === fileSeverity).map((a) => a.id);
                return { outcome: policy.stopsRun ? 'fail' : 'quarantine', alerts: newAlerts, heldBy, versions: {}, shapes: {}, divert: {} };
              }
              const divert: Record<string, RowCheck> = {};
              if (policy?.divertsMisfits) for (const v of verdicts) if (v.kind === 'schema_changed' && v.base) divert[v.entity] = checkAgainst(v.base);
              // The shape each entity's rows are stamped with: the registered version (or, in read, the one proposed).
              const shapes: Record<string, Shape> = {};
              for (const v of verdicts) {
                const reg = registered.get(v.entity);
                shapes[v.entity] = reg && reg.version === versions[v.entity] ? reg.shape : versions[v.entity] === v.base?.version ? v.base!.shape : v.proposed;
              }
              return { outcome: 'deliver', alerts: newAlerts, heldBy: [], versions, shapes, divert };
            })();
            for (const id of written) {
              if (d.alerts.some((a) => a.id === id)) continue;
              alerts.delete(id);
              await registry.deleteAlert(id);
            }
            return d;
          } catch (e) {
            if (!(e instanceof VersionTaken) || attempt >= 20) throw e;
            const latest = await registry.latest(e.streamId, e.entity);
            if (latest) registeredFor(stream.id).set(e.entity, latest);
            log.info({ event: 'schema_version_taken', stream_id: stream.id, entity: e.entity, version: e.version }, `${e.message}: deciding again against it`);
          }
        }
      });
    },
  };
}

/** A new entity whose fields mostly match a registered one is probably a rename (tally-database-loader v1.0.40 did that). */
function renameCandidate(shape: Shape, registered: Map<string, SchemaVersion>): DriftAlert['renamed_from'] | undefined {
  const mine = new Set(Object.keys(shape).filter((p) => p.split('/').length === 2));
  let best: DriftAlert['renamed_from'] | undefined;
  let bestScore = 0;
  for (const [e, v] of registered) {
    const theirs = Object.keys(v.shape).filter((p) => p.split('/').length === 2);
    const shared = theirs.filter((p) => mine.has(p)).length;
    const score = shared / new Set([...mine, ...theirs]).size;
    if (score > bestScore && score >= 0.5) {
      bestScore = score;
      best = { entity: e, shared_fields: shared, of: theirs.length };
    }
  }
  return best;
}

function alertMessage(streamId: string, v: EntityVerdict, severity: Severity, policy: DriftPolicy): string {
  const did = policy.did;
  if (v.kind === 'entity_added') {
    const ren = v.renamed_from ? ` It looks like a rename of ${v.renamed_from.entity} (${v.renamed_from.shared_fields} of its ${v.renamed_from.of} fields are shared): ${v.renamed_from.entity} stops and ${v.entity} starts.` : '';
    return `${streamId}: new entity ${v.entity} (${Object.keys(v.shape).length} fields).${ren} ${cap(did)}.`;
  }
  const br = v.changes.filter((c) => c.severity === 'breaking');
  const co = v.changes.filter((c) => c.severity === 'compatible');
  const list = (cs: FieldChange[]) => cs.slice(0, 4).map((c) => `${c.kind === 'added' ? '+' : c.kind === 'removed' ? '-' : '~'}${c.field}${c.kind === 'type_changed' ? ` (${describeType(c.before)} → ${describeType(c.after)})` : ''}`).join(', ') + (cs.length > 4 ? `, … ${cs.length - 4} more` : '');
  const parts = [br.length ? `${br.length} breaking: ${list(br)}` : '', co.length ? `${co.length} compatible: ${list(co)}` : ''].filter(Boolean).join('; ');
  return `${streamId} / ${v.entity} changed (${severity}) against version ${v.base?.version}: ${parts}. ${cap(did)}.`;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
