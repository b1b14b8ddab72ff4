/**
 * The row seam: every reader (CSV, Tally XML) pushes rows through this one interface, and every
 * consumer implements it: the NDJSON envelope writer (output/envelope.ts), the drift inference
 * (drift/infer.ts), and the columnar writers and change annotators that come next. A row is
 *
 *   beginRow(entity, ordinal, line)
 *     cells(row)     a flat row of classified cells over the input's bytes (CSV: no object, no string per cell)
 *     or record(rec) the whole row as an object, nested lists and objects included (Tally XML objects)
 *   endRow()
 *
 * Values come classified (formats/classify.ts): consumers never classify again. Nothing here
 * allocates per row: a reader reuses one `Cells` for every row of a file.
 */
export interface RowSink {
  /**
   * A row of `entity` begins. `ordinal` is its 1-based position among the file's rows, `line` where
   * its source begins; `note`, when given, is what the row's envelope says of it beyond its record.
   */
  beginRow(entity: string, ordinal: number, line: number, note?: RowNote): void;
  /** Declares that `entity` has a fixed list of fields (a CSV header), before its first row. */
  columns(entity: string, keys: readonly FieldKey[]): void;
  /** The row's fields, one cell per declared column. Valid only during the call. */
  cells(row: Cells): void;
  /** The whole row as an object: each top-level key is a field. */
  record(rec: Record<string, unknown>): void;
  endRow(): void;
}

/**
 * One row of cells, reused from row to row. Cell `i` is the text `b[F[3i], F[3i+1])` of the decoded
 * input, with quoting `F[3i+2]` (0 bare, 1 quoted, 2 quoted with doubled quotes to undo), of class
 * `cls[i]`. Where the text was not already the value (a typed cell in another form: `(-)1,234.50`,
 * `1-Apr-24`, `Yes`), `norm[i]` is 1 and the normalised JS value is `values[i]`. A text-form Bool is
 * `1` or `0`; a Null has empty text.
 */
export interface Cells {
  b: Buffer;
  n: number;
  F: Int32Array;
  cls: Uint8Array;
  norm: Uint8Array;
  values: unknown[];
  /** The entity's declared columns (cell i is keys[i]). */
  keys: readonly FieldKey[];
}

/** What a row's envelope says about it beyond its record. */
export interface RowNote {
  /** Data-quality checks of the row. Vouchers: whether the ledger lines balance (null: cannot tell). */
  quality?: { balanced: boolean | null; difference?: string };
}

/** A field name as consumers need it, made once per name and file by the reader. */
export interface FieldKey {
  readonly name: string;
  /** Position of the field among the entity's declared columns. */
  readonly slot: number;
  /** `"name":` as UTF-8, ready to copy into a JSON object. */
  readonly json: Buffer;
}

export function fieldKey(name: string, slot: number): FieldKey {
  return { name, slot, json: Buffer.from(JSON.stringify(name) + ':') };
}

/** A row the reader could not read (wrong field count, a stray quote): it goes to the dead letter. */
export interface RejectedRow {
  reason: string;
  line: number;
  offset: number;
  ordinal: number;
  raw: string;
}

export type RejectSink = (r: RejectedRow) => void;

/** Two consumers of one reader, called in order. Monomorphic, so the calls inline. */
export class Tee implements RowSink {
  constructor(
    private readonly a: RowSink,
    private readonly b: RowSink,
  ) {}
  beginRow(entity: string, ordinal: number, line: number, note?: RowNote): void {
    this.a.beginRow(entity, ordinal, line, note);
    this.b.beginRow(entity, ordinal, line, note);
  }
  columns(entity: string, keys: readonly FieldKey[]): void {
    this.a.columns(entity, keys);
    this.b.columns(entity, keys);
  }
  cells(row: Cells): void {
    this.a.cells(row);
    this.b.cells(row);
  }
  record(rec: Record<string, unknown>): void {
    this.a.record(rec);
    this.b.record(rec);
  }
  endRow(): void {
    this.a.endRow();
    this.b.endRow();
  }
}

