import { createHash } from 'node:crypto';
import type { ValidateFunction } from 'ajv';
import type { DriftAction, ResolvedStream } from '../config.js';
import type { Logger } from '../log.js';
import type { ColumnKind } from '../formats/csv.js';
import { newAjv } from '../schemas.js';
import { LOADER_TABLES } from '../run/entity.js';
import type { PreparedFile, SchemaSession } from '../run/ingest-file.js';
import type { PlanItem } from '../run/plan.js';
import type { FileEntry } from '../../state/state-registry.js';
import { SchemaRegistry, type SchemaVersion } from '../../state/schema-registry.js';
import { diffShapes, maxSeverity, mergeShapes } from './diff.js';
import { toJsonSchema } from './json-schema.js';
import type { Runtime } from '../run/runtime.js';
import { RecordShapeBuilder, csvShape } from './infer.js';
import { describeType, type DriftAlert, type FieldChange, type Severity, type Shape } from './types.js';

/** What the drift gate decided for one file. */
export interface DriftOutcome {
  action: 'deliver' | 'quarantine' | 'fail';
  alerts: DriftAlert[];
  /** Alerts that hold the file (quarantine, fail). */
  heldBy: string[];
  /** Schema version per entity that the file's envelopes carry. */
  versions: Record<string, number>;
}

export interface DriftCoordinator {
  /** Load alerts and the streams' registered schemas; call once before planning. */
  init(streams: ResolvedStream[]): Promise<void>;
  session(stream: ResolvedStream, format: 'csv' | 'tally-xml'): SchemaSession;
  decide(stream: ResolvedStream, item: PlanItem, file: PreparedFile, mode: 'run' | 'read'): Promise<DriftOutcome>;
  holdStatus(streamId: string, entry: FileEntry): 'hold' | 'release' | 'rejected';
}

/** Per-file inference; the envelopes are stamped with the registered version while the file streams. */
class FileSession implements SchemaSession {
  readonly builders = new Map<string, RecordShapeBuilder>();
  readonly csvShapes = new Map<string, { shape: Shape; rows: number }>();
  readonly stamped = new Map<string, number>();

  constructor(private readonly registered: Map<string, SchemaVersion>) {}

  version(entity: string): number {
    const v = this.registered.get(entity)?.version ?? 1;
    this.stamped.set(entity, v);
    return v;
  }

  observe(entity: string, record: Record<string, unknown>): void {
    let b = this.builders.get(entity);
    if (!b) {
      b = new RecordShapeBuilder(entity);
      this.builders.set(entity, b);
    }
    b.observe(record);
  }

  csv(entity: string, columns: string[], kinds: ColumnKind[], masks: Uint32Array, scales: Uint8Array): void {
    this.csvShapes.set(entity, { shape: csvShape(columns, kinds, masks, scales, entity in LOADER_TABLES), rows: 0 });
  }

  shapes(): Map<string, Shape> {
    const out = new Map<string, Shape>();
    for (const [e, b] of this.builders) out.set(e, b.shape());
    for (const [e, s] of this.csvShapes) out.set(e, s.shape);
    return out;
  }
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

/** The run's drift coordinator over the runtime's schema registry. */
export function createDriftCoordinator(rt: Runtime, log: Logger): DriftCoordinator {
  return createCoordinator({
    registry: new SchemaRegistry(rt.schemaStore, rt.config.tenant_id, toJsonSchema),
    tenantId: rt.config.tenant_id,
    connectorId: rt.config.connector_id,
    runId: rt.runId,
    log,
    clearNames: rt.config.privacy.clear_names,
  });
}

function createCoordinator(opts: {
  registry: SchemaRegistry;
  tenantId: string;
  connectorId: string;
  runId: string;
  log: Logger;
  clearNames: boolean;
}): DriftCoordinator {
  const { registry, log } = opts;
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

  const validatorFor = (v: SchemaVersion): ValidateFunction => {
    const key = `${v.stream_id}/${v.entity}/${v.version}`;
    let f = validators.get(key);
    if (!f) {
      ajv ??= newAjv();
      f = ajv.compile(v.json_schema);
      validators.set(key, f);
    }
    return f;
  };

  return {
    async init(streams) {
      for (const a of await registry.alerts()) alerts.set(a.id, a);
      await Promise.all(
        streams.map(async (s) => {
          const e = await registry.entities(s.id);
          entities.set(s.id, e);
          if (e.size === 0) newStreams.add(s.id);
        }),
      );
    },

    session(stream) {
      return new FileSession(registeredFor(stream.id));
    },

    holdStatus(_streamId, entry) {
      const ids = entry.drift_alert_ids ?? [];
      if (!ids.length) return 'release';
      const as = ids.map((id) => alerts.get(id));
      if (as.some((a) => a?.status === 'rejected')) return 'rejected';
      if (as.every((a) => a && (a.status === 'accepted' || a.status === 'evolved'))) return 'release';
      return 'hold';
    },

    decide(stream, item, file, mode) {
      return locked(stream.id, async () => {
        const session = file.schema as FileSession;
        const registered = registeredFor(stream.id);
        // A stream's first run registers version 1 of every entity it meets without alerts (a
        // masters file then a day book is not drift); later, a new entity is worth an alert.
        const streamWasEmpty = newStreams.has(stream.id) || registered.size === 0;
        const verdicts: EntityVerdict[] = [];
        for (const [entity, shape] of session.shapes()) {
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
        const policy: DriftAction | undefined = fileSeverity ? stream.drift[fileSeverity] : undefined;
        const now = new Date().toISOString();
        const fileRef = {
          file_id: file.file_id,
          ...(opts.clearNames ? { path: file.file.key } : {}),
          sha256: file.sha256,
          rows: file.rows,
        };

        const newAlerts: DriftAlert[] = drifted.map((v) => {
          const severity = sev(v)!;
          const id = 'a-' + createHash('sha256').update(`${opts.tenantId}\0${stream.id}\0${v.entity}\0${file.sha256}\0${v.base?.version ?? 0}`).digest('hex').slice(0, 16);
          const alert: DriftAlert = {
            alert_version: 1,
            id,
            tenant_id: opts.tenantId,
            connector_id: opts.connectorId,
            stream_id: stream.id,
            entity: v.entity,
            kind: v.kind === 'entity_added' ? 'entity_added' : 'schema_changed',
            severity,
            status: policy === 'evolve' ? 'evolved' : 'open',
            action: policy!,
            file: fileRef,
            base_version: v.base?.version ?? 0,
            changes: v.changes,
            ...(v.renamed_from ? { renamed_from: v.renamed_from } : {}),
            proposed: v.proposed,
            created_at: alerts.get(id)?.created_at ?? now,
            run_id: opts.runId,
            message: alertMessage(stream.id, v, severity, policy!),
          };
          return alert;
        });

        // Versions the envelopes end up with; registrations happen here (run mode) so they are known.
        const versions: Record<string, number> = {};
        const register = async (v: EntityVerdict, reason: SchemaVersion['reason'], alertId?: string): Promise<number> => {
          const next = (v.base?.version ?? 0) + 1;
          if (mode === 'read') return next;
          const doc = await registry.register(stream.id, v.entity, v.proposed, { reason, run_id: opts.runId, file_id: file.file_id, ...(alertId ? { alert_id: alertId } : {}) });
          registered.set(v.entity, doc);
          return doc.version;
        };

        const withhold = policy === 'quarantine' || policy === 'fail';
        if (!withhold) {
          for (const v of verdicts) {
            const alert = newAlerts.find((a) => a.entity === v.entity);
            if (v.kind === 'first') versions[v.entity] = await register(v, 'first_file');
            else if (v.kind === 'same') versions[v.entity] = v.base!.version;
            else if (v.kind === 'entity_added') {
              // A new entity has nothing to be checked against: its first version is registered whatever the policy.
              versions[v.entity] = await register(v, policy === 'evolve' ? 'evolve' : 'first_file', alert?.id);
              if (alert && policy === 'evolve') alert.resolved_version = versions[v.entity];
            } else if (policy === 'evolve') {
              versions[v.entity] = await register(v, 'evolve', alert?.id);
              if (alert) alert.resolved_version = versions[v.entity];
            } else {
              versions[v.entity] = v.base!.version; // alert: keep the version; rows that fail it are withheld below
            }
          }
          if (policy === 'evolve') for (const a of newAlerts) a.resolved_at = now;
        }

        for (const a of newAlerts) {
          alerts.set(a.id, a);
          if (mode === 'run') await registry.putAlert(a);
          log.warn(
            { event: 'drift_alert', alert_id: a.id, stream_id: a.stream_id, entity: a.entity, severity: a.severity, action: a.action, status: a.status, file_id: a.file.file_id, changes: a.changes.length, base_version: a.base_version },
            a.message,
          );
        }

        if (withhold) {
          const held = newAlerts.filter((a) => a.severity === fileSeverity).map((a) => a.id);
          return { action: policy === 'fail' ? 'fail' : 'quarantine', alerts: newAlerts, heldBy: held, versions: {} };
        }

        // Restamp envelopes whose entity got another version than the one written, and, under the
        // `alert` policy, withhold rows that do not validate against their registered schema.
        const restamp = new Map<string, number>();
        for (const [e, v] of Object.entries(versions)) if (session.stamped.get(e) !== undefined && session.stamped.get(e) !== v) restamp.set(e, v);
        const validate = new Map<string, ValidateFunction>();
        if (policy === 'alert') for (const v of verdicts) if (v.kind === 'schema_changed' && v.base) validate.set(v.entity, validatorFor(v.base));
        if (restamp.size || validate.size) {
          await file.rewrite((line) => {
            const m = PREFIX.exec(line.length > 2048 ? line.slice(0, 2048) : line);
            if (!m) return line;
            const entity = m[1]!;
            const check = validate.get(entity);
            if (check) {
              const env = JSON.parse(line);
              const e = env.type === 'RECORD' ? env.record : env;
              if (!check(e.record)) {
                const reason = (check.errors ?? []).slice(0, 5).map((x) => `${x.instancePath.slice(1).replace(/\//g, '.') || '(record)'} ${x.message ?? x.keyword}`).join('; ');
                file.deadLetter({ entity, line: e.source.line, ordinal: e.source.ordinal, reason: `does not match schema version ${versions[entity]}: ${reason}`, raw: JSON.stringify(e.record).slice(0, 4096) });
                file.rows--;
                file.rows_rejected++;
                file.entities[entity] = (file.entities[entity] ?? 1) - 1;
                return null;
              }
            }
            const to = restamp.get(entity);
            if (to === undefined) return line;
            const at = m.index + m[0].length;
            const numStart = at - 1 - m[2]!.length;
            return line.slice(0, numStart) + to + line.slice(at - 1);
          });
        }
        return { action: 'deliver', alerts: newAlerts, heldBy: [], versions };
      });
    },
  };
}

/** The constant head of an envelope line, up to its schema version. */
const PREFIX = /"entity":"([a-z0-9_]+)","run_id":"[^"]*","emitted_at":"[^"]*","schema_version":(\d+),/;

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

function alertMessage(streamId: string, v: EntityVerdict, severity: Severity, action: DriftAction): string {
  const did = { evolve: 'a new schema version was registered', alert: 'the file was delivered; rows that do not fit the registered schema went to the dead letter', quarantine: "the file's rows were withheld until the alert is accepted or rejected", fail: 'the run was stopped' }[action];
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
