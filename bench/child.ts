/**
 * The peer and limit passes of the benchmark, each run by the runner as its own process:
 *
 *   node dist/bench/child.js sha256   FILE              the limit: sha256 of the file read as a stream
 *   node dist/bench/child.js csvparse FILE              csv-parse, counting records (no other work)
 *   node dist/bench/child.js sax      FILE utf8|utf16le sax (strict), counting VOUCHER elements
 *   node dist/bench/child.js saxes    FILE utf8|utf16le saxes, counting VOUCHER elements
 *   node dist/bench/child.js duckdb   FILE OUT          DuckDB, 1 thread: COPY (SELECT * FROM read_csv(FILE)) TO OUT (FORMAT json, or parquet+zstd when OUT ends in .parquet)
 *   node dist/bench/child.js xml-stage FILE tokenize|records   a stage of the connector's own XML path alone
 *
 * The last stdout line is JSON: { rows, bytes, elapsed_ms, max_rss_bytes, ... }. Strict XML parsers
 * reject Tally's `&#4;` references (U+0004 is not allowed in XML 1.0), so the XML passes run the text
 * through a streaming filter that deletes references to such control characters first (what every
 * Tally consumer does, see tally-formats.md Q3); that filter is part of the measured time.
 */
import { createReadStream, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';

const READ_CHUNK = 1 << 20;

interface Result {
  mode: string;
  rows: number;
  bytes: number;
  elapsed_ms: number;
  max_rss_bytes: number;
  [k: string]: unknown;
}

function finish(r: { mode: string; rows: number; bytes: number; [k: string]: unknown }, t0: bigint): void {
  const elapsed_ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const out: Result = { ...r, elapsed_ms, max_rss_bytes: process.resourceUsage().maxRSS * 1024 };
  process.stdout.write(JSON.stringify(out) + '\n');
}

async function sha256(file: string): Promise<void> {
  const t0 = process.hrtime.bigint();
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK })) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  finish({ mode: 'sha256', rows: 0, bytes, sha256: h.digest('hex') }, t0);
}

async function csvparse(file: string): Promise<void> {
  const t0 = process.hrtime.bigint();
  const { parse } = await import('csv-parse');
  let records = 0;
  const parser = parse({ bom: true });
  const input = createReadStream(file, { highWaterMark: READ_CHUNK });
  await new Promise<void>((res, rej) => {
    parser.on('readable', () => {
      while (parser.read() !== null) records++;
    });
    parser.on('error', rej);
    parser.on('end', () => res());
    input.on('error', rej);
    input.pipe(parser);
  });
  // The header is a record too.
  finish({ mode: 'csvparse', rows: Math.max(0, records - 1), bytes: statSync(file).size }, t0);
}

/**
 * Deletes references to characters XML 1.0 forbids (`&#4;`, `&#x4;`...), keeping `&#9;`, `&#10;`,
 * `&#13;`. Streaming: a reference cut by a chunk boundary is carried to the next chunk.
 */
export class ControlRefFilter {
  private carry = '';
  removed = 0;

  push(chunk: string): string {
    let s = this.carry + chunk;
    this.carry = '';
    const amp = s.lastIndexOf('&');
    if (amp >= 0 && amp > s.length - 10 && s.indexOf(';', amp) < 0) {
      this.carry = s.slice(amp);
      s = s.slice(0, amp);
    }
    if (s.indexOf('&#') < 0) return s;
    return s.replace(/&#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}));/g, (m, hx: string | undefined, dec: string | undefined) => {
      const cp = hx !== undefined ? parseInt(hx, 16) : Number(dec);
      if (cp === 9 || cp === 10 || cp === 13 || cp >= 32) return m;
      this.removed++;
      return '';
    });
  }

  end(): string {
    const s = this.carry;
    this.carry = '';
    return s;
  }
}

async function* textChunks(file: string, encoding: BufferEncoding): AsyncGenerator<string> {
  const stream = createReadStream(file, { highWaterMark: READ_CHUNK });
  stream.setEncoding(encoding);
  let first = true;
  for await (const c of stream) {
    let s = c as string;
    if (first) {
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      first = false;
    }
    yield s;
  }
}

async function sax(file: string, encoding: BufferEncoding): Promise<void> {
  const t0 = process.hrtime.bigint();
  const saxMod = (await import('sax')).default;
  const p = saxMod.parser(true, {});
  let vouchers = 0;
  let ledgerEntries = 0;
  let err: Error | undefined;
  p.onopentag = (tag) => {
    if (tag.name === 'VOUCHER') vouchers++;
    else if (tag.name === 'ALLLEDGERENTRIES.LIST') ledgerEntries++;
  };
  p.onerror = (e) => {
    err = e;
    throw e;
  };
  const filter = new ControlRefFilter();
  for await (const s of textChunks(file, encoding)) p.write(filter.push(s));
  p.write(filter.end());
  p.close();
  if (err) throw err;
  finish({ mode: 'sax', rows: vouchers, vouchers, ledger_entries: ledgerEntries, refs_removed: filter.removed, bytes: statSync(file).size, encoding }, t0);
}

async function saxes(file: string, encoding: BufferEncoding): Promise<void> {
  const t0 = process.hrtime.bigint();
  const { SaxesParser } = await import('saxes');
  const p = new SaxesParser({ xmlns: false });
  let vouchers = 0;
  let ledgerEntries = 0;
  p.on('opentag', (tag) => {
    if (tag.name === 'VOUCHER') vouchers++;
    else if (tag.name === 'ALLLEDGERENTRIES.LIST') ledgerEntries++;
  });
  p.on('error', (e) => {
    throw e;
  });
  const filter = new ControlRefFilter();
  for await (const s of textChunks(file, encoding)) p.write(filter.push(s));
  p.write(filter.end());
  p.close();
  finish({ mode: 'saxes', rows: vouchers, vouchers, ledger_entries: ledgerEntries, refs_removed: filter.removed, bytes: statSync(file).size, encoding }, t0);
}

/**
 * A stage of the connector's own XML path, alone, on a UTF-8 file read as the pipeline reads it:
 * `tokenize` runs the tokenizer with a handler that only counts VOUCHER elements; `records` runs
 * the Tally reader building every row into a sink that does nothing. With the whole run
 * (connector_xml_dense) they say where the time goes: tokenizing, building records, and writing
 * them out.
 */
async function xmlStage(file: string, stage: string): Promise<void> {
  const t0 = process.hrtime.bigint();
  let feed: (b: Buffer) => void;
  let done: () => Record<string, unknown>;
  if (stage === 'tokenize') {
    const { XmlTokenizer } = await import('../connector/formats/xml-tokenizer.js');
    let vouchers = 0;
    const tok = new XmlTokenizer({ open: (name: string) => void (name === 'VOUCHER' && vouchers++), text: () => {}, close: () => {} }, 1 << 30);
    feed = (b) => tok.feed(b);
    done = () => (tok.end(), { rows: vouchers, vouchers });
  } else if (stage === 'records') {
    const { TallyXmlReader } = await import('../connector/formats/tally-xml.js');
    const sink = { beginRow: () => {}, columns: () => {}, cells: () => {}, record: () => {}, endRow: () => {} };
    const reader = new TallyXmlReader(sink, { max_row_bytes: 1 << 28, max_xml_depth: 100, max_fields: 100_000, max_buffered_master_bytes: 1 << 28 }, 'f');
    feed = (b) => reader.feed(b);
    done = () => (reader.end(), { rows: reader.rows, vouchers: reader.vouchers });
  } else throw new Error(`xml-stage: unknown stage ${stage} (tokenize or records)`);
  let first = true;
  for await (const c of createReadStream(file, { highWaterMark: READ_CHUNK })) {
    let b = c as Buffer;
    if (first && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
    first = false;
    feed(b);
  }
  finish({ mode: `xml-stage-${stage}`, ...done(), bytes: statSync(file).size } as { mode: string; rows: number; bytes: number }, t0);
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

async function duckdb(file: string, out: string): Promise<void> {
  const t0 = process.hrtime.bigint();
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await instance.connect();
  const threads = (await con.runAndReadAll(`SELECT current_setting('threads') AS t`)).getRows()[0]?.[0];
  // An OUT ending in .parquet gives DuckDB's own Parquet writer (zstd, as the connector's default).
  const format = out.endsWith('.parquet') ? 'FORMAT parquet, COMPRESSION zstd' : 'FORMAT json';
  const res = await con.runAndReadAll(`COPY (SELECT * FROM read_csv(${sqlString(resolve(file))})) TO ${sqlString(resolve(out))} (${format})`);
  const count = Number(res.getRows()[0]?.[0] ?? -1);
  con.closeSync();
  instance.closeSync();
  finish({ mode: 'duckdb', rows: count, bytes: statSync(file).size, threads: Number(threads), output_bytes: statSync(out).size }, t0);
}

/** A copy of a UTF-8 XML file without the references strict XML forbids (the expat peer's input; setup, not timed). */
async function clean(file: string, out: string): Promise<void> {
  const t0 = process.hrtime.bigint();
  const { createWriteStream } = await import('node:fs');
  const filter = new ControlRefFilter();
  const w = createWriteStream(out + '.tmp');
  for await (const s of textChunks(file, 'utf8')) if (!w.write(filter.push(s))) await new Promise<void>((r) => w.once('drain', () => r()));
  w.write(filter.end());
  await new Promise<void>((r) => w.end(() => r()));
  const { renameSync } = await import('node:fs');
  renameSync(out + '.tmp', out);
  finish({ mode: 'clean', rows: 0, refs_removed: filter.removed, bytes: statSync(out).size }, t0);
}

async function main(): Promise<void> {
  const [mode, file, arg] = process.argv.slice(2);
  if (!mode || !file) throw new Error('usage: child.js sha256|csvparse|sax|saxes|duckdb|clean|xml-stage FILE [ARG]');
  switch (mode) {
    case 'sha256':
      return sha256(file);
    case 'csvparse':
      return csvparse(file);
    case 'sax':
      return sax(file, (arg ?? 'utf8') as BufferEncoding);
    case 'saxes':
      return saxes(file, (arg ?? 'utf8') as BufferEncoding);
    case 'duckdb':
      if (!arg) throw new Error('duckdb needs an output path');
      return duckdb(file, arg);
    case 'clean':
      if (!arg) throw new Error('clean needs an output path');
      return clean(file, arg);
    case 'xml-stage':
      return xmlStage(file, arg ?? '');
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

main().catch((e) => {
  process.stderr.write(`bench child: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
