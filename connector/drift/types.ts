/**
 * Schema inference and drift: the vocabulary.
 *
 * A shape is a flat map from a field path to what was seen there. Paths are JSON-pointer-like:
 * `/amount`, `/udf/pkt`, `/languagename/[]/name/[]` (`[]` = the items of a list); `~` and `/` in
 * names are escaped as `~0` and `~1`.
 */

export type LogicalType = 'null' | 'boolean' | 'integer' | 'decimal' | 'date' | 'string' | 'array' | 'object' | 'any';

export interface FieldInfo {
  type: LogicalType;
  /** For integers: a JSON number (XML counters like ALTERID) or digits in a string (CSV). */
  repr?: 'number' | 'string';
  /** Largest number of decimals seen (decimal). */
  scale?: number;
  /** Present in every row (CSV header columns; XML keys such as guid). Removing it is breaking. */
  required: boolean;
  /** A null was seen. */
  nullable: boolean;
}

export type Shape = Record<string, FieldInfo>;

export type Severity = 'compatible' | 'breaking';

export interface FieldChange {
  kind: 'added' | 'removed' | 'type_changed' | 'nullability_changed';
  path: string;
  /** Display name: `languagename[].name[]`. */
  field: string;
  before: FieldInfo | null;
  after: FieldInfo | null;
  severity: Severity;
  why: string;
}

export type AlertStatus = 'open' | 'evolved' | 'accepted' | 'rejected';

export interface DriftAlert {
  alert_version: 1;
  id: string;
  tenant_id: string;
  connector_id: string;
  stream_id: string;
  entity: string;
  kind: 'schema_changed' | 'entity_added';
  severity: Severity;
  status: AlertStatus;
  /** What the stream's policy did with the file. */
  action: 'evolve' | 'alert' | 'quarantine' | 'fail';
  file: { file_id: string; path?: string; sha256: string; rows: number };
  /** Registered version the file was compared with (0 when the entity is new). */
  base_version: number;
  /** Version registered because of this alert (evolve, accept). */
  resolved_version?: number;
  changes: FieldChange[];
  /** For a new entity that looks like a renamed one. */
  renamed_from?: { entity: string; shared_fields: number; of: number };
  /** The shape registered if the alert is accepted. */
  proposed: Shape;
  created_at: string;
  resolved_at?: string;
  run_id: string;
  message: string;
}

export function displayPath(path: string): string {
  return path
    .split('/')
    .slice(1)
    .map((s) => (s === '[]' ? '[]' : s.replace(/~1/g, '/').replace(/~0/g, '~')))
    .join('.')
    .replace(/\.\[\]/g, '[]');
}

export function escapeSeg(s: string): string {
  return s.indexOf('~') >= 0 || s.indexOf('/') >= 0 ? s.replace(/~/g, '~0').replace(/\//g, '~1') : s;
}

export function describeType(f: FieldInfo | null): string {
  if (!f) return '-';
  let t: string = f.type;
  if (f.type === 'decimal') t = `decimal(${f.scale ?? 0})`;
  if (f.type === 'integer' && f.repr === 'string') t = 'integer (as text)';
  return t + (f.required ? ', required' : '') + (f.nullable ? ', nullable' : '');
}
