import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, constants as zc, createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createWriteStream } from 'node:fs';

/**
 * Hostile landings, generated at test time from the corpus (nothing generated is committed): each
 * mutant is a real export broken the way transfers, tools and attackers break files. Deterministic
 * from a seed, so a failure can be replayed (HOSTILE_SEED).
 */

export type Rng = () => number;

export function rng(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const pick = (r: Rng, n: number) => Math.floor(r() * n);

export interface Mutant {
  /** Path relative to the landing root. */
  key: string;
  kind: string;
  /** Bytes written (undefined for links and files written in streaming). */
  bytes?: Buffer;
  /** A hidden name (leading dot): never matched by a stream (upload tools write partial files so). */
  hidden?: boolean;
  /** What must come of it, when the suite can say exactly. */
  expect?: { status: 'failed' | 'refused'; code?: RegExp };
}

interface Seed {
  name: string;
  text: string;
  utf16: boolean;
  bom: boolean;
}

/** A corpus file, cut to at most `max` bytes at an object boundary (the envelope closed again). */
function seedOf(file: string, max: number): Seed | undefined {
  const raw = readFileSync(file);
  const utf16 = raw[0] === 0xff && raw[1] === 0xfe;
  const bom = utf16 || (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf);
  let text = utf16 ? raw.subarray(2).toString('utf16le') : raw.subarray(bom ? 3 : 0).toString('utf8');
  if (text.length > max) {
    // Cut after the last whole object that fits (or the first, when none does), keep the tail.
    const endTag = ['</TALLYMESSAGE>', '</VOUCHER>', '</LEDGER>'].find((t) => text.includes(t));
    if (!endTag) return undefined;
    const last = text.lastIndexOf(endTag);
    let cut = text.lastIndexOf(endTag, max);
    if (cut < 0) cut = text.indexOf(endTag);
    text = text.slice(0, cut + endTag.length) + text.slice(last + endTag.length);
  }
  return { name: file.split('/').pop()!.replace(/\.xml$/i, ''), text, utf16, bom };
}

function encode(s: Seed, text: string): Buffer {
  if (s.utf16) return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  return Buffer.concat([s.bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text, 'utf8')]);
}

function insert(b: Buffer, at: number, what: Buffer): Buffer {
  return Buffer.concat([b.subarray(0, at), what, b.subarray(at)]);
}

/** Tag positions in the text: [start, end) of each `<...>`. */
function tags(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const re = /<[^<>]{1,200}>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && out.length < 20000) out.push([m.index, m.index + m[0].length]);
  return out;
}

/** The mutants of one seed: truncations, byte flips, NULs, deleted and duplicated tags, bad UTF-8. */
function mutateSeed(s: Seed, r: Rng, dir: string): Mutant[] {
  const out: Mutant[] = [];
  const base = encode(s, s.text);
  const add = (kind: string, bytes: Buffer, expect?: Mutant['expect']) => out.push({ key: `${dir}/${s.name}.${kind}.${out.length}.xml`, kind, bytes, ...(expect ? { expect } : {}) });
  for (let i = 0; i < 24; i++) add('truncate', base.subarray(0, 1 + pick(r, base.length - 1)));
  for (let i = 0; i < 24; i++) {
    const b = Buffer.from(base);
    const at = pick(r, b.length);
    b[at] = b[at]! ^ (1 + pick(r, 255));
    add('flip', b);
  }
  for (let i = 0; i < 5; i++) add('nul', insert(base, pick(r, base.length), Buffer.from([0])), s.utf16 ? undefined : { status: 'failed', code: /^E_FILE_(BINARY|ENCODING)$/ });
  add('nul-end', Buffer.concat([base, Buffer.from([0])]), s.utf16 ? undefined : { status: 'failed', code: /^E_FILE_(BINARY|ENCODING)$/ });
  const t = tags(s.text);
  for (let i = 0; i < 12 && t.length; i++) {
    const [a, e] = t[pick(r, t.length)]!;
    add('deltag', encode(s, s.text.slice(0, a) + s.text.slice(e)));
  }
  for (let i = 0; i < 8 && t.length; i++) {
    const [a, e] = t[pick(r, t.length)]!;
    const name = /^<([A-Za-z0-9_.:-]+)/.exec(s.text.slice(a, e))?.[1];
    if (!name) continue;
    const close = s.text.indexOf(`</${name}>`, e);
    const end = close < 0 ? e : close + name.length + 3;
    add('duptag', encode(s, s.text.slice(0, end) + s.text.slice(a, end) + s.text.slice(end)));
  }
  if (!s.utf16) {
    // Invalid UTF-8 at the start, in the middle and at the end.
    const body = s.bom ? 3 : 0;
    const hasMultibyte = /[^\x00-\x7f]/.test(s.text);
    // With multi-byte UTF-8 elsewhere in the file, an invalid sequence can only fail it (never a
    // Windows-1252 reading): as an encoding error, or as broken XML when the parser gets there first.
    const bad: Mutant['expect'] = hasMultibyte ? { status: 'failed', code: /^E_(FILE_ENCODING|XML_SYNTAX|XML_TRUNCATED)$/ } : undefined;
    add('utf8-start', insert(base, body + 1, Buffer.from([0xc3, 0x28])), bad);
    add('utf8-mid', insert(base, Math.floor(base.length / 2), Buffer.from([0xff])), bad);
    add('utf8-end', Buffer.concat([base.subarray(0, base.length - 1), Buffer.from([0xe2, 0x82]), base.subarray(base.length - 1)]), bad);
    add('cp1252-byte', insert(base, Math.floor(base.length * 0.7), Buffer.from([0x92])), bad);
  } else {
    // A lone surrogate, and a file cut to an odd number of bytes.
    add('utf16-surrogate', insert(base, 2 + 2 * pick(r, (base.length - 2) >> 1), Buffer.from([0x00, 0xd8])));
    add('utf16-odd', base.subarray(0, base.length - 1));
  }
  return out;
}

/** A CSV table from corpus data (ledger names and parents), so that CSV mutants carry real text. */
function csvFromCorpus(seeds: Seed[]): string {
  const rows = ['name,parent,opening_balance,guid'];
  for (const s of seeds) {
    const re = /<LEDGER NAME="([^"]{1,80})"[^>]*>[\s\S]{0,400}?<PARENT>([^<]{0,80})<\/PARENT>/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s.text)) && rows.length < 400) {
      const q = (v: string) => `"${v.replace(/&amp;/g, '&').replace(/"/g, '""')}"`;
      rows.push(`${q(m[1]!)},${q(m[2]!)},${(rows.length * 137.25).toFixed(2)},g-${rows.length}`);
    }
  }
  return rows.join('\r\n') + '\r\n';
}

function mutateCsv(text: string, r: Rng, dir: string): Mutant[] {
  const out: Mutant[] = [];
  const base = Buffer.from(text, 'utf8');
  const add = (kind: string, bytes: Buffer, expect?: Mutant['expect']) => out.push({ key: `${dir}/ledgers.${kind}.${out.length}.csv`, kind, bytes, ...(expect ? { expect } : {}) });
  for (let i = 0; i < 20; i++) add('truncate', base.subarray(0, 1 + pick(r, base.length - 1)));
  for (let i = 0; i < 15; i++) {
    const b = Buffer.from(base);
    const at = pick(r, b.length);
    b[at] = b[at]! ^ (1 + pick(r, 255));
    add('flip', b);
  }
  for (let i = 0; i < 4; i++) add('nul', insert(base, pick(r, base.length), Buffer.from([0])), { status: 'failed', code: /^E_FILE_(BINARY|ENCODING)$/ });
  const lines = text.split('\r\n');
  for (let i = 0; i < 8; i++) {
    const l = [...lines];
    const at = 1 + pick(r, l.length - 2);
    const op = i % 4;
    if (op === 0) l[at] = l[at]!.replace('"', ''); // an unbalanced quote
    else if (op === 1) l[at] = l[at] + ',extra'; // too many fields
    else if (op === 2) l[at] = l[at]!.split(',').slice(0, 2).join(','); // too few
    else l.splice(at, 0, l[at]!); // a duplicated row
    add('rows', Buffer.from(l.join('\r\n')));
  }
  add('semicolons', Buffer.from(text.replace(/,/g, ';')));
  add('lf-mixed', Buffer.from(text.replace(/\r\n/g, (m) => (r() < 0.5 ? '\n' : m))));
  add('cp1252', Buffer.concat([Buffer.from(text.slice(0, 200)), Buffer.from([0x93, 0x94]), Buffer.from(text.slice(200))]));
  add('header-only', Buffer.from(lines[0] + '\r\n'));
  add('huge-field', Buffer.from(`${lines[0]}\r\n"${'x'.repeat(3 * 1024 * 1024)}",p,1,g\r\n${lines[1]}\r\n`));
  return out;
}

/**
 * Files that attack the parser and the process: huge tokens and attribute lists, deep nesting,
 * DOCTYPE entities, gzip bombs, 100,000-column CSVs, things that are not exports at all.
 */
function specials(s: Seed, dir: string): Mutant[] {
  const env = (inner: string) => `<ENVELOPE><HEADER><TALLYREQUEST>Import Data</TALLYREQUEST></HEADER><BODY><IMPORTDATA><REQUESTDATA>${inner}</REQUESTDATA></IMPORTDATA></BODY></ENVELOPE>`;
  const msg = (inner: string) => `<TALLYMESSAGE xmlns:UDF="TallyUDF">${inner}</TALLYMESSAGE>`;
  const ledger = (name: string, extra = '') => `<LEDGER NAME="${name}" GUID="guid-${name.slice(0, 20)}" ACTION="Create"${extra}><PARENT>Sundry Debtors</PARENT><OPENINGBALANCE>-1250.00</OPENINGBALANCE></LEDGER>`;
  const out: Mutant[] = [];
  const add = (kind: string, bytes: Buffer, ext = 'xml', expect?: Mutant['expect']) => out.push({ key: `${dir}/special.${kind}.${out.length}.${ext}`, kind, bytes, ...(expect ? { expect } : {}) });
  const MiB = 1024 * 1024;
  // Huge tokens: a 20 MiB name, a 20 MiB text node, a 20 MiB attribute value, a 1 MiB tag name.
  add('huge-name', Buffer.from(env(msg(ledger('A'.repeat(20 * MiB))))));
  add('huge-text', Buffer.from(env(msg(`<LEDGER NAME="x" GUID="g-huge"><PARENT>${'ल'.repeat(7 * MiB)}</PARENT></LEDGER>`))));
  add('huge-attr', Buffer.from(env(msg(ledger('y', ` REMOTEID="${'9'.repeat(20 * MiB)}"`)))));
  add('huge-tagname', Buffer.from(env(msg(`<${'T'.repeat(MiB)}>x</${'T'.repeat(MiB)}>`))));
  // 100,000 attributes on one element; 100,000 elements in one object.
  const attrs = Array.from({ length: 100_000 }, (_, i) => ` A${i}="${i}"`).join('');
  add('attrs-100k', Buffer.from(env(msg(ledger('z', attrs)))));
  add('fields-100k', Buffer.from(env(msg(`<LEDGER NAME="w" GUID="g-w">${Array.from({ length: 100_000 }, (_, i) => `<F${i}>${i}</F${i}>`).join('')}</LEDGER>`))));
  // Deep nesting: outside an object (100,000 levels) and inside one.
  add('deep-outer', Buffer.from('<A>'.repeat(100_000) + '</A>'.repeat(100_000)));
  add('deep-inner', Buffer.from(env(msg(`<LEDGER NAME="d" GUID="g-d">${'<X>'.repeat(5000)}v${'</X>'.repeat(5000)}</LEDGER>`))));
  add('unclosed-100k', Buffer.from(env(msg('<LEDGER NAME="u">' + '<B>'.repeat(100_000)))));
  // DOCTYPE: billion laughs, an external entity, a parameter entity. Never expanded.
  const lol = `<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]>`;
  add('doctype-laughs', Buffer.from(lol + env(msg(ledger('&lol9;')))));
  add('doctype-xxe', Buffer.from(`<?xml version="1.0"?><!DOCTYPE e [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + env(msg(`<LEDGER NAME="x" GUID="g-xxe"><PARENT>&xxe;</PARENT></LEDGER>`))));
  add('doctype-param', Buffer.from(`<!DOCTYPE e [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p;]>` + env(msg(ledger('p')))));
  add('doctype-unclosed', Buffer.from(`<!DOCTYPE e [<!ENTITY a "` + 'x'.repeat(100_000)));
  // Gzip: a bomb (zeros), a good export gzipped, cut short, with trailing junk, twice gzipped.
  const good = encode(s, s.text);
  const gz = gzipSync(good);
  add('gzip-good', gz, 'xml.gz');
  add('gzip-cut', gz.subarray(0, Math.floor(gz.length / 2)), 'xml.gz', { status: 'failed' });
  add('gzip-junk', Buffer.concat([gz, Buffer.from('not gzip at all')]), 'xml.gz');
  add('gzip-twice', gzipSync(gz), 'xml.gz');
  add('gzip-empty', gzipSync(Buffer.alloc(0)), 'xml.gz', { status: 'failed' });
  // 100,000-column CSVs: in the header, and one row in the middle.
  const cols = Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',');
  add('csv-100k-header', Buffer.from(`${cols}\n${'1,'.repeat(99_999)}1\n`), 'csv', { status: 'failed', code: /^E_LIMIT$/ });
  add('csv-100k-row', Buffer.from(`a,b\n1,2\n${'x,'.repeat(99_999)}x\n3,4\n`), 'csv');
  // Not exports at all, or nearly nothing.
  add('empty', Buffer.alloc(0), 'xml', { status: 'failed', code: /^E_FILE_EMPTY$/ });
  add('bom-only', Buffer.from([0xef, 0xbb, 0xbf]), 'xml');
  add('whitespace', Buffer.from(' \r\n\t \n'), 'xml');
  add('self-closed', Buffer.from('<ENVELOPE/>'), 'xml');
  add('pdf', Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n', 'latin1'), 'xml', { status: 'failed', code: /^E_FILE_BINARY$/ });
  add('zip', Buffer.from('PK\x03\x04\x14\x00\x00\x00', 'latin1'), 'xml', { status: 'refused', code: /^E_FILE_BACKUP$/ });
  const noise = Buffer.alloc(64 * 1024);
  const r = rng(7);
  for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(r() * 256);
  add('noise', noise, 'xml', { status: 'failed' });
  add('noise-csv', noise, 'csv', { status: 'failed' });
  add('utf32', Buffer.from([0xff, 0xfe, 0, 0, 0x3c, 0, 0, 0]), 'xml', { status: 'failed', code: /^E_FILE_ENCODING$/ });
  return out;
}

/** Odd file names around a valid export: not UTF-8, control characters, very long, look-alikes. */
function oddNames(s: Seed, dir: string): Array<{ name: Buffer; bytes: Buffer; hidden?: boolean; expect?: Mutant['expect'] }> {
  const good = encode(s, s.text);
  const n = (v: string) => Buffer.from(v, 'utf8');
  const names: Array<{ name: Buffer; bytes: Buffer; hidden?: boolean; expect?: Mutant['expect'] }> = [
    { name: Buffer.concat([n('latin1-'), Buffer.from([0xe9]), n('.xml')]), bytes: good, expect: { status: 'refused', code: /^E_NAME_ENCODING$/ } },
    { name: n('new\nline.xml'), bytes: good },
    { name: n('tab\there.xml'), bytes: good },
    { name: n('-rf.xml'), bytes: good },
    { name: n('..xml'), bytes: good, hidden: true },
    { name: n('%2e%2e%2fescape.xml'), bytes: good },
    { name: n('back\\slash.xml'), bytes: good },
    { name: n(`${'l'.repeat(240)}.xml`), bytes: good },
    { name: n('caf\u00e9.xml'), bytes: good }, // NFC
    { name: n('cafe\u0301.xml'), bytes: good }, // NFD: another file
    { name: n('  spaced  name .xml'), bytes: good },
    { name: n('emoji-\u{1F4B8}.xml'), bytes: good },
    { name: n('UPPER.XML'), bytes: good },
  ];
  return names.map((o) => ({ ...o, name: Buffer.concat([n(`${dir}/`), o.name]) }));
}

/**
 * A gzip bomb written in streaming, so the test process never holds it: an export whose body is
 * `mib` MiB of spaces (text, so only the decompression ratio can stop it).
 */
async function writeBomb(path: string, mib: number): Promise<void> {
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  let left = mib;
  let started = false;
  const src = new Readable({
    read() {
      if (!started) {
        started = true;
        this.push(Buffer.from('<ENVELOPE><BODY><DATA><TALLYMESSAGE><LEDGER NAME="bomb">'));
        return;
      }
      this.push(left-- > 0 ? chunk : null);
    },
  });
  await pipeline(src, createGzip({ level: zc.Z_BEST_COMPRESSION }), createWriteStream(path));
}

export interface HostileLanding {
  mutants: Mutant[];
  /** Keys of links that the listing must refuse (outside the root, dangling). */
  refusedLinks: string[];
}

/** Write the whole hostile landing under `root`. */
export async function buildHostileLanding(corpus: string, root: string, outside: string, seed: number): Promise<HostileLanding> {
  const r = rng(seed);
  const seeds = readdirSync(corpus)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => seedOf(join(corpus, f), 48 * 1024))
    .filter((s): s is Seed => s !== undefined);
  const mutants: Mutant[] = [];
  for (const s of seeds) mutants.push(...mutateSeed(s, r, `xml/${s.name}`));
  mutants.push(...mutateCsv(csvFromCorpus(seeds), r, 'csv'));
  const utf8Seed = seeds.find((s) => !s.utf16 && /[^\x00-\x7f]/.test(s.text)) ?? seeds[0]!;
  mutants.push(...specials(utf8Seed, 'special'));
  for (const m of mutants) {
    const p = join(root, ...m.key.split('/'));
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, m.bytes!);
  }
  // A bomb: 1 GiB of text in about 1 MiB.
  mkdirSync(join(root, 'special'), { recursive: true });
  await writeBomb(join(root, 'special', 'bomb-1g.xml.gz'), 1024);
  mutants.push({ key: 'special/bomb-1g.xml.gz', kind: 'gzip-bomb', expect: { status: 'failed', code: /^E_LIMIT$/ } });
  // Odd names, written as bytes.
  mkdirSync(join(root, 'names'), { recursive: true });
  for (const o of oddNames(utf8Seed, 'names')) {
    const fd = openSync(Buffer.concat([Buffer.from(root + '/'), o.name]), 'w');
    writeSync(fd, o.bytes);
    closeSync(fd);
    mutants.push({ key: o.name.toString('utf8'), kind: 'odd-name', bytes: o.bytes, ...(o.hidden ? { hidden: true } : {}), ...(o.expect ? { expect: o.expect } : {}) });
  }
  // Link loops and links that leave the root.
  mkdirSync(join(root, 'links', 'sub'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'secret.xml'), '<ENVELOPE><SECRET>outside the landing</SECRET></ENVELOPE>');
  symlinkSync('.', join(root, 'links', 'self'));
  symlinkSync('..', join(root, 'links', 'sub', 'up'));
  symlinkSync(join(outside, 'secret.xml'), join(root, 'links', 'escape.xml'));
  symlinkSync(outside, join(root, 'links', 'outdir'));
  symlinkSync(join(root, 'links', 'nowhere.xml.target'), join(root, 'links', 'dangling.xml'));
  symlinkSync(join(root, 'xml'), join(root, 'links', 'xml-again'));
  return { mutants, refusedLinks: ['links/escape.xml', 'links/outdir', 'links/dangling.xml'] };
}
