import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TextDecoderStream8 } from '../connector/formats/decode.js';
import { cli, readOutputs, rmrf, tempDir, yamlConfig } from './helpers/index.js';

/** Decode `bytes` fed in pieces of `size`, as text or as UTF-8 bytes; the error code if it fails. */
function decode(bytes: Buffer, size: number, as: 'text' | 'utf8'): { out?: string; code?: string; offset?: number; encoding: string } {
  let d: TextDecoderStream8 | undefined;
  let out = '';
  const bytesOut: Buffer[] = [];
  try {
    d = new TextDecoderStream8(bytes.subarray(0, 16384));
    for (let i = 0; i < bytes.length; i += size) {
      const piece = bytes.subarray(i, i + size);
      if (as === 'text') out += d.text(piece);
      else bytesOut.push(Buffer.from(d.utf8(piece))); // valid until the next call (the pipeline parses it at once)
    }
    if (as === 'text') out += d.endText();
    else out = Buffer.concat([...bytesOut, d.endUtf8()]).toString('utf8');
    return { out, encoding: d.decision.encoding };
  } catch (e) {
    const err = e as { code: string; position?: { offset?: number } };
    return { code: err.code, ...(err.position?.offset !== undefined ? { offset: err.position.offset } : {}), encoding: d?.decision.encoding ?? '?' };
  }
}

const ascii = 'guid,name\r\n' + 'x,plain ascii\r\n'.repeat(3000);
const utf8 = Buffer.from('₹ café', 'utf8');
const cp = Buffer.from([0x43, 0x61, 0x66, 0xe9]); // "Café" in Windows-1252

describe('text encodings are decided once, never guessed per chunk', () => {
  for (const as of ['text', 'utf8'] as const) {
    for (const size of [1, 3, 7, 4096, 1 << 20]) {
      it(`UTF-8 that turns invalid later fails with E_FILE_ENCODING, even inside one chunk (${as}, pieces of ${size})`, () => {
        const bytes = Buffer.concat([Buffer.from(ascii), utf8, Buffer.from('\r\nmore,'), Buffer.from([0xe9, 0x0d, 0x0a])]);
        const r = decode(bytes, size, as);
        expect(r.code).toBe('E_FILE_ENCODING');
        expect(r.offset).toBe(bytes.length - 3);
      });
      it(`Windows-1252 that holds a UTF-8 character later fails, never decoded as mojibake (${as}, pieces of ${size})`, () => {
        const bytes = Buffer.concat([Buffer.from(ascii), cp, Buffer.from('\r\n'), Buffer.from('x,₹ 500\r\n', 'utf8')]);
        const r = decode(bytes, size, as);
        expect(r.code).toBe('E_FILE_ENCODING');
        expect(r.out ?? '').not.toContain('â‚¹');
      });
      it(`plain Windows-1252 and plain UTF-8 decode exactly (${as}, pieces of ${size})`, () => {
        const w = decode(Buffer.concat([Buffer.from(ascii), cp, Buffer.from('\r\nx,\xe0 la\r\n', 'latin1')]), size, as);
        expect(w).toMatchObject({ encoding: 'windows-1252' });
        expect(w.out!.endsWith('Café\r\nx,à la\r\n')).toBe(true);
        const u = decode(Buffer.concat([Buffer.from(ascii), utf8, Buffer.from('\r\n')]), size, as);
        expect(u).toMatchObject({ encoding: 'utf-8' });
        expect(u.out!.endsWith('₹ café\r\n')).toBe(true);
      });
    }
  }

  it('a Windows-1252 byte cut at the very end of a piece is held until the next one decides', () => {
    const bytes = Buffer.concat([Buffer.from('abc'), Buffer.from([0xe9]), Buffer.from('def')]);
    expect(decode(bytes, 4, 'text')).toMatchObject({ out: 'abcédef', encoding: 'windows-1252' });
    expect(decode(bytes, 4, 'utf8')).toMatchObject({ out: 'abcédef', encoding: 'windows-1252' });
    const end = Buffer.concat([Buffer.from('abc'), Buffer.from([0xe2, 0x82])]); // a cut ₹ at the end of the file
    expect(decode(end, 4, 'text')).toMatchObject({ out: 'abcâ‚', encoding: 'windows-1252' });
  });

  for (const where of ['start', 'middle', 'end'] as const) {
    it(`a NUL byte at the ${where} of 8-bit text fails it as binary (E_FILE_BINARY)`, () => {
      const body = Buffer.from(ascii);
      const at = where === 'start' ? 5 : where === 'middle' ? Math.floor(body.length / 2) : body.length - 1;
      const bytes = Buffer.from(body);
      bytes[at] = 0;
      for (const as of ['text', 'utf8'] as const) for (const size of [1000, 1 << 20]) expect(decode(bytes, size, as), `${as} ${size}`).toMatchObject({ code: 'E_FILE_BINARY', offset: at });
    });
  }
});

describe('UTF-16 read as UTF-8 bytes (the pipeline) and as text agree, in any pieces', () => {
  let seed = 7;
  const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  // ASCII, two- and three-byte characters, surrogate pairs (four bytes in UTF-8), and U+FFFD itself.
  const alphabet = ['a', ',', '\r\n', 'é', '₹', 'राम', '🪴', '𝄞', '\ufffd', '<', '&'];
  const text = (n: number) => Array.from({ length: n }, () => alphabet[rnd(alphabet.length)]).join('');
  const utf16 = (s: string, be: boolean, bom: boolean) => {
    const b = Buffer.from(s, 'utf16le');
    if (be) b.swap16();
    return bom ? Buffer.concat([Buffer.from(be ? [0xfe, 0xff] : [0xff, 0xfe]), b]) : b;
  };
  for (const be of [false, true]) {
    it(`${be ? 'UTF-16BE' : 'UTF-16LE'}: random text, random piece sizes (pairs and code units cut anywhere)`, () => {
      for (let k = 0; k < 40; k++) {
        // Without a BOM the encoding is told by the NUL bytes of ASCII text: an ASCII head first.
        const bom = k % 2 === 0;
        const s = (bom ? '<' : '<ENVELOPE>'.repeat(100)) + text(1 + rnd(3000));
        const bytes = utf16(s, be, bom);
        const size = 1 + rnd(k < 20 ? 7 : 5000);
        for (const as of ['utf8', 'text'] as const) expect(decode(bytes, size, as), `${as} ${size}`).toEqual({ out: s, encoding: be ? 'utf-16be' : 'utf-16le' });
      }
    });
    it(`${be ? 'UTF-16BE' : 'UTF-16LE'}: a lone surrogate fails at its own byte, wherever the pieces fall`, () => {
      for (let k = 0; k < 30; k++) {
        const before = '<ENVELOPE>'.repeat(100) + text(rnd(500));
        const lone = k % 3 === 0 ? '\udc00' : '\ud800';
        const after = k % 5 === 0 ? '' : 'x' + text(rnd(200)); // a high surrogate may be the last thing in the file
        const bom = k % 2 === 0;
        const bytes = utf16(before + lone + after, be, bom);
        const at = (bom ? 2 : 0) + 2 * before.length;
        const size = 1 + rnd(k < 15 ? 9 : 3000);
        expect(decode(bytes, size, 'utf8'), `size ${size}`).toMatchObject({ code: 'E_FILE_ENCODING', offset: at });
      }
    });
  }
  it('a UTF-16 file cut to an odd number of bytes fails through either path', () => {
    const bytes = utf16('<' + text(100), false, true).subarray(0, -1);
    for (const as of ['utf8', 'text'] as const) for (const size of [1, 2, 3, 4096]) expect(decode(bytes, size, as), `${as} ${size}`).toMatchObject({ code: 'E_FILE_ENCODING', offset: bytes.length });
  });
});

describe('end to end: a file in two encodings fails, is not delivered, and says where', () => {
  const dir = tempDir();
  afterAll(() => rmrf(dir));
  it('reports E_FILE_ENCODING and E_FILE_BINARY with the byte offset; the clean files are delivered without mojibake or NUL', async () => {
    mkdirSync(join(dir, 'landing'));
    writeFileSync(join(dir, 'landing', 'mixed.csv'), Buffer.concat([Buffer.from('a,b\n1,₹ 5\n'), Buffer.from([0x32, 0x2c, 0xe9, 0x0a])]));
    writeFileSync(join(dir, 'landing', 'nul.csv'), Buffer.concat([Buffer.from('a,b\n1,2\n'), Buffer.from([0x33, 0x00, 0x0a])]));
    writeFileSync(join(dir, 'landing', 'mixed.xml'), Buffer.concat([Buffer.from('<ENVELOPE><BODY><IMPORTDATA><REQUESTDATA><TALLYMESSAGE><LEDGER NAME="Caf'), Buffer.from([0xe9]), Buffer.from('"><GUID>g1</GUID><NAME>₹ ledger</NAME></LEDGER></TALLYMESSAGE></REQUESTDATA></IMPORTDATA></BODY></ENVELOPE>')]));
    writeFileSync(join(dir, 'landing', 'good.csv'), Buffer.from('a,b\n1,₹ 5\n'));
    writeFileSync(join(dir, 'c.yaml'), yamlConfig(dir, 'privacy: { clear_names: true }'));
    const r = await cli(['run', '--config', join(dir, 'c.yaml')]);
    expect(r.code).toBe(4);
    const failed = Object.fromEntries(r.summary.files.map((f: any) => [f.path, [f.code, f.offset]]));
    expect(failed).toEqual({ 'mixed.csv': ['E_FILE_ENCODING', Buffer.byteLength('a,b\n1,₹ 5\n2,')], 'nul.csv': ['E_FILE_BINARY', Buffer.byteLength('a,b\n1,2\n3')], 'mixed.xml': ['E_FILE_ENCODING', expect.any(Number)] });
    const out = readOutputs(join(dir, 'out'));
    expect(out).toHaveLength(1);
    const text = JSON.stringify(out);
    expect(text).toContain('₹ 5');
    expect(text).not.toMatch(/â‚¹|\\u0000/);
  });
});
