import { fileError } from '../errors.js';
import { decodeEntities, parseAttrs, XmlTokenizer, type XmlHandler } from './xml-tokenizer.js';
import { tagInfo, type TagInfo } from './tally/fields.js';
import { flattenMaster, flattenVoucher, isVoucher, masterIdentity, type Row, type XNode } from './tally/objects.js';
import type { RowSink } from '../rows/row-sink.js';
import type { RowReader } from './reader.js';

export interface TallyXmlLimits {
  max_row_bytes: number;
  max_xml_depth: number;
  max_fields: number;
  max_buffered_master_bytes: number;
}

interface BufferedMaster {
  alterid: number;
  rows: Row[];
  line: number;
  size: number;
}

/** Parents whose child elements are Tally objects. */
const OBJECT_PARENTS = new Set(['TALLYMESSAGE', 'COLLECTION']);
/** Children of the root that are envelope structure, not objects. */
const ENVELOPE_PARTS = new Set(['HEADER', 'BODY', 'DESC', 'DATA']);

/**
 * Children of the root that are neither envelope structure nor Tally objects: the display lines of
 * a report export (`DSPACCNAME`, `DSPVCHDATE`..., tally-formats.md 1C) and the counters tools append
 * (TallyConnector's `TC_TOTALCOUNT`). They are not master rows.
 */
const NOT_OBJECTS = /^(DSP|TC_)/;
const STATICS = new Set(['SVCURRENTCOMPANY', 'SVFROMDATE', 'SVTODATE']);

/**
 * Streams a Tally XML export (Import Data envelope, saved collection response, or the TallyConnector
 * dialect with objects directly under ENVELOPE) into rows. Every object is routed by its element
 * name, so one file feeds many entities. Vouchers are emitted as soon as they close; masters are held
 * until the end of the file so that a master repeated in the file is emitted once (highest ALTERID).
 */
export class TallyXmlReader implements XmlHandler<TagInfo>, RowReader {
  private readonly tok: XmlTokenizer<TagInfo>;
  private readonly outer: string[] = [];
  private readonly objStack: XNode[] = [];
  private objStartOffset = 0;
  private objFields = 0;
  private sawRoot = false;
  private readonly masters = new Map<string, BufferedMaster>();
  private anon = 0;
  private masterBytes = 0;
  /** Objects seen, by element name (before de-duplication). */
  readonly objectsByName = new Map<string, number>();
  vouchers = 0;
  duplicateMasters = 0;
  /** Report display elements and tool counters seen under the root (not objects). */
  notObjects = 0;
  /** Rows pushed (their ordinals are 1..rows). */
  rows = 0;
  /** Vouchers whose ledger lines do not balance. */
  unbalanced = 0;
  /** The request's static variables that scope an export (SVCURRENTCOMPANY, SVFROMDATE, SVTODATE). */
  readonly statics: Record<string, string> = {};

  /**
   * @param fileId the file's id: a voucher without a GUID is keyed by it and the voucher row's ordinal.
   */
  constructor(
    private readonly sink: RowSink,
    private readonly limits: TallyXmlLimits,
    private readonly fileId = 'file',
  ) {
    this.tok = new XmlTokenizer(this, limits.max_row_bytes, tagInfo);
  }

  get objects(): number {
    let n = 0;
    for (const v of this.objectsByName.values()) n += v;
    return n;
  }

  /** UTF-8 bytes (the decoder's output, whatever the file's encoding). */
  feed(chunk: Buffer): void {
    this.tok.feed(chunk);
  }

  private emit(r: Row, line: number): void {
    // A row has at most as many fields as its object has elements: count only when that could be too many.
    if (this.objFields > this.limits.max_fields) {
      let fields = 0;
      for (const _ in r.record) if (++fields > this.limits.max_fields) throw fileError('E_LIMIT', `a <${r.entity}> row with more than ${this.limits.max_fields} fields (see limits.max_fields)`, { line });
    }
    if (r.note?.quality?.balanced === false) this.unbalanced++;
    this.sink.beginRow(r.entity, ++this.rows, line, r.note);
    this.sink.record(r.record);
    this.sink.endRow();
  }

  end(): void {
    this.tok.end();
    if (this.objStack.length) {
      const o = this.objStack[0]!;
      throw fileError('E_XML_TRUNCATED', `the file ends inside <${o.name}> (opened at line ${o.line}); the export looks truncated`, { line: o.line }, {
        hint: 'land the complete file again; nothing from this file was delivered',
      });
    }
    if (this.outer.length) {
      throw fileError('E_XML_TRUNCATED', `the file ends inside <${this.outer[this.outer.length - 1]}>; the export looks truncated`, {}, {
        hint: 'land the complete file again; nothing from this file was delivered',
      });
    }
    if (!this.sawRoot) throw fileError('E_FILE_FORMAT', 'no XML element found', {});
    for (const m of this.masters.values()) for (const r of m.rows) this.emit(r, m.line);
    this.masters.clear();
  }

  open(name: string, info: TagInfo, attrs: string, selfClosing: boolean, pos: number): void {
    const stack = this.objStack;
    if (stack.length) {
      const node: XNode = { name, info, attrs: attrs ? this.attrs(attrs, pos) : null, children: null, text: null, line: 0 };
      const parent = stack[stack.length - 1]!;
      (parent.children ??= []).push(node);
      if (++this.objFields > this.limits.max_fields * 64) this.limit(`an object with more than ${this.limits.max_fields * 64} elements`, pos);
      if (stack.length >= this.limits.max_xml_depth) this.limit(`elements nested deeper than ${this.limits.max_xml_depth}`, pos);
      if (this.tok.offsetOf(pos) - this.objStartOffset > this.limits.max_row_bytes) this.limit(`a Tally object longer than ${this.limits.max_row_bytes} bytes`, pos);
      stack.push(node);
      return;
    }
    const outer = this.outer;
    const parent = outer[outer.length - 1];
    const atRoot = outer.length === 1 && parent === 'ENVELOPE';
    if (atRoot && NOT_OBJECTS.test(name)) this.notObjects++;
    const isObject = parent !== undefined && (OBJECT_PARENTS.has(parent) || (atRoot && !ENVELOPE_PARTS.has(name) && !NOT_OBJECTS.test(name)));
    if (!isObject) {
      if (outer.length === 0) {
        if (this.sawRoot) throw fileError('E_XML_SYNTAX', `a second root element <${name}>`, { line: this.tok.lineAt(pos) });
        this.sawRoot = true;
      }
      if (outer.length >= this.limits.max_xml_depth) this.limit(`elements nested deeper than ${this.limits.max_xml_depth}`, pos);
      outer.push(name);
      return;
    }
    const node: XNode = { name, info, attrs: attrs ? this.attrs(attrs, pos) : null, children: null, text: null, line: this.tok.lineAt(pos) };
    this.objStartOffset = this.tok.offsetOf(pos);
    this.objFields = 0;
    stack.push(node);
    void selfClosing;
  }

  text(raw: string, cdata: boolean): void {
    const stack = this.objStack;
    if (!stack.length) {
      const o = this.outer[this.outer.length - 1];
      if (o !== undefined && STATICS.has(o) && this.outer[this.outer.length - 2] === 'STATICVARIABLES') {
        const v = (cdata ? raw : decodeEntities(raw)).trim();
        if (v) this.statics[o] = (this.statics[o] ?? '') + v;
      }
      return;
    }
    const top = stack[stack.length - 1]!;
    const t = cdata ? raw.replace(/&/g, '&amp;') : raw; // CDATA is literal: keep it literal through decoding
    top.text = top.text === null ? t : top.text + t;
  }

  close(name: string, pos: number): void {
    const stack = this.objStack;
    if (stack.length) {
      const top = stack.pop()!;
      if (top.name !== name) {
        throw fileError('E_XML_SYNTAX', `</${name}> closes <${top.name}>: mismatched tags`, { line: this.tok.lineAt(pos) });
      }
      if (stack.length === 0) this.object(top, this.tok.offsetOf(pos) - this.objStartOffset);
      return;
    }
    const outer = this.outer;
    const top = outer.pop();
    if (top !== name) {
      throw fileError('E_XML_SYNTAX', top === undefined ? `</${name}> without an open element` : `</${name}> closes <${top}>: mismatched tags`, { line: this.tok.lineAt(pos) });
    }
  }

  private attrs(raw: string, pos: number): Record<string, string> | null {
    try {
      return parseAttrs(raw, this.limits.max_fields);
    } catch (e) {
      if ((e as { code?: string }).code === 'E_LIMIT') this.limit(`an element with more than ${this.limits.max_fields} attributes`, pos);
      throw e;
    }
  }

  private limit(what: string, pos: number): never {
    throw fileError('E_LIMIT', `${what} (see limits in the config)`, { line: this.tok.lineAt(pos) });
  }

  private object(node: XNode, size: number): void {
    this.objectsByName.set(node.name, (this.objectsByName.get(node.name) ?? 0) + 1);
    if (isVoucher(node)) {
      this.vouchers++;
      for (const r of flattenVoucher(node, `${this.fileId}.${this.rows + 1}`)) this.emit(r, node.line);
      return;
    }
    const id = masterIdentity(node);
    const key = id ? id.key : `anon:${this.anon++}`;
    const prev = this.masters.get(key);
    if (prev) {
      this.duplicateMasters++;
      if (id && id.alterid <= prev.alterid) return;
      this.masterBytes -= prev.size;
    }
    // `size` is the object's UTF-8 bytes: twice that is more than its strings and rows take in V8.
    this.masterBytes += size * 2;
    if (this.masterBytes > this.limits.max_buffered_master_bytes) {
      throw fileError('E_LIMIT', `masters in this file need more than ${this.limits.max_buffered_master_bytes} bytes to de-duplicate`, { line: node.line }, {
        hint: 'raise limits.max_buffered_master_bytes, or export masters separately from vouchers',
      });
    }
    this.masters.set(key, { alterid: id?.alterid ?? -1, rows: flattenMaster(node), line: node.line, size: size * 2 });
  }
}
