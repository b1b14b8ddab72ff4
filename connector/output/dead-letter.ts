export interface DeadLetterRecord {
  dead_letter_version: 1;
  tenant_id: string;
  connector_id: string;
  stream_id: string;
  run_id: string;
  file_id: string;
  path?: string;
  format: string;
  entity?: string;
  line?: number;
  offset?: number;
  ordinal?: number;
  code: 'E_CSV_ROW' | 'E_SCHEMA';
  reason: string;
  /** The rejected row as text (CSV) or JSON (a record that failed its schema), cut at 4 KiB. */
  raw: string;
  rejected_at: string;
}
