import { ConnectorError } from '../errors.js';
import type { SchemaRegistry } from '../../state/schema-registry.js';
import { mergeShapes } from './diff.js';
import type { DriftAlert, SchemaVersion } from './types.js';

/**
 * What an engineer decides about an open alert, in one place: `drift accept|reject` and the review
 * console call these, so both do exactly the same thing.
 */

export async function openAlert(registry: SchemaRegistry, id: string | undefined, verb: 'accepted' | 'rejected'): Promise<DriftAlert> {
  if (!id) throw new ConnectorError('E_USAGE', 'drift: the alert id is required (see `drift list`)');
  const a = await registry.getAlert(id);
  if (!a) throw new ConnectorError('E_USAGE', `drift: no alert ${id} (see \`drift list\`)`);
  if (a.status !== 'open') throw new ConnectorError('E_USAGE', `alert ${a.id} is ${a.status}; only open alerts can be ${verb}`);
  return a;
}

/** Registers the alert's proposed shape as the entity's next version; a file it held is ingested on the next run. */
export async function acceptAlert(registry: SchemaRegistry, id: string | undefined): Promise<{ alert: DriftAlert; version: SchemaVersion; message: string }> {
  const a = await openAlert(registry, id, 'accepted');
  const current = await registry.current(a.stream_id, a.entity);
  const shape = current ? (current.version === a.base_version ? a.proposed : mergeShapes(current.shape, a.proposed)) : a.proposed;
  const doc = await registry.register(a.stream_id, a.entity, shape, { reason: 'accept', alert_id: a.id });
  const alert: DriftAlert = { ...a, status: 'accepted', resolved_version: doc.version, resolved_at: new Date().toISOString() };
  await registry.putAlert(alert);
  return { alert, version: doc, message: `accepted ${a.id}: registered ${a.stream_id} / ${a.entity} version ${doc.version}. A file held by this alert is ingested on the next run.` };
}

/** Closes the alert; the file it held stays refused until its bytes change. */
export async function rejectAlert(registry: SchemaRegistry, id: string | undefined): Promise<{ alert: DriftAlert; message: string }> {
  const a = await openAlert(registry, id, 'rejected');
  const alert: DriftAlert = { ...a, status: 'rejected', resolved_at: new Date().toISOString() };
  await registry.putAlert(alert);
  return { alert, message: `rejected ${a.id}: the file stays refused until its bytes change; the schema is unchanged.` };
}
