import type { Limits } from '../config.js';
import { fileError } from '../errors.js';
import { TextDecoderStream8, type EncodingDecision } from '../formats/decode.js';
import { CsvReader, type CsvEnd, type CsvResume } from '../formats/csv.js';
import { csvEntity } from '../formats/csv-entity.js';
import type { RowReader } from '../formats/reader.js';
import { TallyXmlReader } from '../formats/tally-xml.js';
import { EnvelopeWriter, type EnvelopeContext } from '../output/envelope.js';
import { RowLogWriter } from '../output/row-log.js';
import { ShapeCollector, samplesOf, shapesOf, type FileInference } from '../drift/infer.js';
import { Tee, type RejectedRow, type RowSink } from '../rows/row-sink.js';
import { KeyCollector } from '../changes/capture.js';
import type { FieldSample, Shape } from '../drift/types.js';

/**
 * One file's pipeline: decoded text → format reader → row seam → consumers (the envelope writer
 * and the drift inference). Everything it needs comes in as plain data and bytes go out through
 * callbacks, so the same pipeline runs on the main thread or in a worker thread; it does no I/O.
 */
export interface PipelineSpec {
  format: 'csv' | 'tally-xml';
  /** The file's landing path (a CSV's entity may come from its name). */
  key: string;
  /** The stream's CSV entity override and delimiter. */
  entity?: string;
  /** A CSV's entity may be named after its file (privacy.clear_names). */
  clearNames: boolean;
  delimiter: string;
  limits: Limits;
  /** What every envelope says about where it came from. */
  origin: Omit<EnvelopeContext, 'format' | 'encoding'>;
  /** Schema versions registered for the stream's entities when the file starts (absent: 1). */
  versions: Record<string, number>;
  /** How rows are staged: envelope lines, or the row log of typed sinks (the sink says). */
  rowFormat?: 'envelope' | 'rowlog';
  /** Change capture: collect the file's objects (keys, ALTERIDs, content hashes) while it is parsed. */
  collectKeys?: boolean;
  /**
   * One part of a CSV split at row boundaries (run/split-csv.ts): the end-of-file checks are left to
   * whoever joins the parts. `resume` is set for every part but the first.
   */
  part?: { resume?: CsvResume };
}

/** What stages a file's rows: the envelope writer or the row log writer, both consumers of the row seam. */
type StageWriter = RowSink & {
  readonly rows: number;
  readonly stamped: Map<string, number>;
  readonly ctx: EnvelopeContext;
  tick(): void;
  invalidate(): void;
  readonly full: boolean;
  flush(): Promise<void>;
  drain(): Promise<void>;
  recycle(): void;
};

export interface PipelineOutput {
  /** Envelope bytes, in order; awaited, so a slow sink slows the reader (backpressure). */
  bytes(chunk: Buffer): Promise<void>;
  /** A row the reader could not read, with the entity it belonged to. */
  reject(row: RejectedRow & { entity: string }): void;
}

export interface PipelineResult {
  rows: number;
  /** Rows per entity (a CSV's entity appears even when it has no rows). */
  entities: Record<string, number>;
  shapes: Map<string, Shape>;
  /** Per entity and field path, the first values of each type seen (for drift alerts). */
  samples: Map<string, Record<string, FieldSample[]>>;
  /** The schema version the envelopes of each entity were written with. */
  stamped: Map<string, number>;
  encoding: EncodingDecision;
  warnings: string[];
  /** Tally XML: the request's static variables (SVCURRENTCOMPANY, SVFROMDATE, SVTODATE) when present. */
  statics?: Record<string, string>;
  /** Why a file that was read to its end yielded no rows at all (absent when it has rows). */
  noRows?: string;
  /** Vouchers whose ledger lines do not balance. */
  unbalanced: number;
  /** The file's objects, when the spec asked for them (change capture). */
  keys?: KeyCollector;
  /** A CSV parsed in parts (run/split-csv.ts): how many. */
  parts?: number;
  /** A part of a split CSV: what was inferred (to merge), where the reader stopped, its rejects. */
  part?: { inference: FileInference; end: CsvEnd; rejected: number; firstReject?: string };
}

/**
 * Why a CSV that was read to its end yielded no rows, or the error when every row was rejected
 * (not an export of this shape: fail the file rather than commit nothing).
 */
export function csvNoRows(rejected: number, firstReject: string | undefined): string {
  if (rejected > 0) {
    throw fileError('E_CSV_REJECTED', `every one of its ${rejected} rows was rejected (the first: ${firstReject}); it does not look like an export of this shape`, { line: 1 }, {
      hint: 'check the delimiter (streams[].csv.delimiter) and that the file is the table the stream expects',
    });
  }
  return 'the CSV has a header and no rows';
}

export class FilePipeline {
  /** Nothing of a chunk is held once `feed` resolved: the readers copy what they carry over. */
  readonly releasesChunks = true;
  private readonly decoder: TextDecoderStream8;
  private readonly reader: RowReader;
  private readonly writer: StageWriter;
  private readonly shapes = new ShapeCollector();
  private readonly keys: KeyCollector | undefined;
  private entity = '';
  private firstReject: string | undefined;

  /** `head` is the start of the (decompressed) file, used to decide its encoding; it is fed like any chunk. */
  constructor(
    private readonly spec: PipelineSpec,
    head: Buffer,
    private readonly out: PipelineOutput,
  ) {
    this.decoder = new TextDecoderStream8(head);
    const ctx = { ...spec.origin, format: spec.format, encoding: this.decoder.decision.encoding };
    this.writer = spec.rowFormat === 'rowlog' ? new RowLogWriter(ctx, (b) => out.bytes(b)) : new EnvelopeWriter(ctx, (b) => out.bytes(b), (e) => spec.versions[e] ?? 1);
    // Consumers in order: the writer first (the key collector reads the content hash it just wrote).
    const w = this.writer;
    if (spec.collectKeys && !(w instanceof EnvelopeWriter)) throw new Error('change capture needs the envelope writer');
    this.keys = spec.collectKeys ? new KeyCollector(spec.origin.file_id, spec.format, () => (w as EnvelopeWriter).lastHash) : undefined;
    const rows: RowSink = this.keys ? new Tee(new Tee(this.writer, this.keys), this.shapes) : new Tee(this.writer, this.shapes);
    const limits = spec.limits;
    this.reader =
      spec.format === 'csv'
        ? new CsvReader(rows, (r) => {
            this.firstReject ??= r.reason;
            out.reject({ ...r, entity: this.entity });
          }, {
            delimiter: spec.delimiter.charCodeAt(0),
            maxRowBytes: limits.max_row_bytes,
            maxFields: limits.max_fields,
            entityFor: (header) => (this.entity = spec.entity ?? csvEntity(spec.key, header, spec.clearNames)),
            ...(spec.part?.resume ? { resume: spec.part.resume } : {}),
          })
        : new TallyXmlReader(rows, limits, spec.origin.file_id);
  }

  /** Rows pushed so far (for progress). */
  get rows(): number {
    return this.reader.rows;
  }

  get encoding(): EncodingDecision {
    return this.decoder.decision;
  }

  /** The one drive loop: decode a chunk the way the reader takes it, push it, let the writer flush. */
  async feed(chunk: Buffer): Promise<void> {
    // Decode, then label: the encoding may be decided by the piece just decoded.
    const b = this.decoder.utf8(chunk);
    this.syncEncoding();
    this.reader.feed(b);
    const w = this.writer;
    w.tick();
    if (w.full) await w.flush();
  }

  /** The end of the file: the reader completes (or throws: a truncated file), the writer drains. */
  async end(): Promise<PipelineResult> {
    const r = this.reader;
    const tail = this.decoder.endUtf8();
    this.syncEncoding();
    if (tail.length) r.feed(tail);
    r.end();
    await this.writer.drain();
    const warnings: string[] = [];
    let noRows: string | undefined;
    if (this.spec.part && r instanceof CsvReader) {
      // A part: the joiner decides about the whole file.
      const end = r.stopped!;
      return { rows: this.writer.rows, entities: this.shapes.counts(), shapes: new Map(), samples: new Map(), stamped: this.writer.stamped, encoding: this.decoder.decision, warnings, unbalanced: 0, part: { inference: this.shapes.data(), end, rejected: r.rejected, ...(this.firstReject !== undefined ? { firstReject: this.firstReject } : {}) } };
    }
    if (r.rows === 0) {
      if (r instanceof CsvReader) noRows = csvNoRows(r.rejected, this.firstReject);
      else if (r instanceof TallyXmlReader && r.objects === 0 && r.notObjects > 0) {
        noRows = 'a report export (display lines such as DSPACCNAME), which holds no Tally objects: export masters and vouchers as XML (Data Interchange) instead';
      } else noRows = r.objects === 0 ? 'no Tally objects found (not an Import Data envelope, a collection response or a TallyConnector export?)' : `${r.objects} Tally object(s), none of a kind the connector reads`;
      warnings.push(noRows);
    }
    const inference = this.shapes.data();
    return { rows: this.writer.rows, entities: this.shapes.counts(), shapes: shapesOf(inference), samples: samplesOf(inference), stamped: this.writer.stamped, encoding: this.decoder.decision, warnings, ...(noRows ? { noRows } : {}), unbalanced: r instanceof TallyXmlReader ? r.unbalanced : 0, ...(r instanceof TallyXmlReader ? { statics: r.statics } : {}), ...(this.keys ? { keys: this.keys } : {}) };
  }

  /** After `end`, once its bytes were consumed: the writer's buffers go to the next pipeline on this thread. */
  recycle(): void {
    this.writer.recycle();
  }

  /** Stop: wait for bytes in flight, deliver nothing more. */
  async abort(): Promise<void> {
    await this.writer.drain().catch(() => {});
  }

  // 8-bit text is labelled UTF-8 until its first non-ASCII byte decides (ASCII is the same in both).
  private syncEncoding(): void {
    const w = this.writer;
    if (w.ctx.encoding !== this.decoder.decision.encoding) {
      w.ctx.encoding = this.decoder.decision.encoding;
      w.invalidate();
    }
  }
}
