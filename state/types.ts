/**
 * The documents the two registries hold. The state registry keeps one FileEntry per landing path
 * and a StreamDoc per stream; the schema registry keeps SchemaVersions and DriftAlerts. These types
 * are the registries' own vocabulary: the connector builds and reads them, the registries store them.
 */

// ---------------------------------------------------------------------------------------------
// State registry

/**
 * `delivering`: the file's output was about to be made visible when the entry was written; if a
 * run stops before `committed`, the next one delivers the same generation again under the same
 * output name (`output_date`), overwriting instead of adding a copy.
 */
export type FileStatus = 'committed' | 'failed' | 'quarantined' | 'refused' | 'delivering';

export interface FileVersionHint {
  size: number;
  mtime_ms: number;
  etag?: string;
}

export interface FileEntry {
  state_version: 1;
  /** Path relative to the landing root. */
  path: string;
  uri: string;
  file_id: string;
  status: FileStatus;
  /** sha256 of the raw bytes, when the file was read to the end. */
  sha256?: string;
  size: number;
  hint: FileVersionHint;
  rows?: number;
  rows_rejected?: number;
  entities?: Record<string, number>;
  schema_versions?: Record<string, number>;
  format?: string;
  encoding?: string;
  output?: { uri: string; dead_letter_uri?: string };
  /** The date partition of the file's output, decided on the first delivery attempt of a generation. */
  output_date?: string;
  run_id: string;
  /** When this status was recorded. */
  at: string;
  committed_at?: string;
  /** Checksums this path had before, newest first (a re-landed file supersedes them). */
  supersedes?: Array<{ sha256: string; committed_at?: string; rows?: number }>;
  error?: { code: string; message: string; retryable: boolean; line?: number; offset?: number; hint?: string };
  /** For quarantined files: the drift alerts that hold them. */
  drift_alert_ids?: string[];
  /** The last successfully committed generation, kept while a newer generation failed or is held. */
  last_committed?: { sha256: string; committed_at: string; rows: number };
}

export interface StreamDoc {
  tenant_id: string;
  connector_id: string;
  stream_id: string;
  last_checkpoint: string | null;
  updated_at: string;
}

export interface StreamState {
  stream_id: string;
  files: Map<string, FileEntry>;
  doc: StreamDoc | undefined;
}

// ---------------------------------------------------------------------------------------------
// Schema registry
//
// A shape is a flat map from a field path to what was seen there. Paths are JSON-pointer-like:
// `/amount`, `/udf/pkt`, `/languagename/[]/name/[]` (`[]` = the items of a list); `~` and `/` in
// names are escaped as `~0` and `~1`.

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
  /**
   * Values from the file behind the change, with their position: for a type or nullability change
   * the first rows whose value the registered type cannot hold (or the nulls); for a new field its
   * first values. A few per change, each cut to 80 characters.
   */
  samples?: FieldSample[];
}

/** One value of a field as the file holds it, and where: the row's first line and its ordinal. */
export interface FieldSample {
  value: string;
  /** The logical type the value was read as. */
  type: LogicalType;
  line: number;
  row: number;
}

export type AlertStatus = 'open' | 'evolved' | 'accepted' | 'rejected';

export type DriftAction = 'evolve' | 'alert' | 'quarantine' | 'fail';

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
  action: DriftAction;
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

export interface SchemaVersion {
  schema_version_doc: 1;
  tenant_id: string;
  stream_id: string;
  entity: string;
  version: number;
  shape: Shape;
  json_schema: Record<string, unknown>;
  registered_at: string;
  reason: 'first_file' | 'evolve' | 'accept';
  run_id?: string;
  file_id?: string;
  alert_id?: string;
}
