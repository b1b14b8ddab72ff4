import { describe, expect, it } from 'vitest';
import type { Sink } from '../../connector/sinks/sink.js';
import { makeComponent } from '../helpers/index.js';

/**
 * The Sink conformance suite: one input file's output is staged, invisible until commit, visible
 * whole after it, gone after an abort; a delivery that fails leaves nothing. A sink joins by
 * providing a `SinkBackend` (test/conformance.test.ts lists them).
 */
export interface SinkPlace {
  /** The `sink` config fragment. */
  config: Record<string, unknown>;
  /** Standard output, for the stdout sink. */
  stdout?: NodeJS.WritableStream;
  /** Everything delivered so far: each output's address and bytes. */
  delivered(): Promise<Array<{ where: string; bytes: Buffer }>>;
  /** Anything else the sink left behind (temp files, half uploads): should be empty after commit/abort. */
  debris(): Promise<string[]>;
  /** Make the next delivery fail (for backends with `breakable`). */
  breakDelivery?(): Promise<void>;
  /** Assert how the delivered outputs are protected at rest (for backends with `protects`). */
  checkProtected?(): Promise<void>;
}

export interface SinkBackend {
  name: string;
  place(): Promise<SinkPlace>;
  /** The URI form of a delivered output. */
  uri: RegExp;
  /** A delivery can be made to fail (a folder that cannot be written, an upload that errors). */
  breakable: boolean;
  /** Outputs are protected at rest: owner-only files, or server-side encryption. */
  protects: boolean;
}

const target = { stream_id: 'file.s.csv', file_id: 'f0123456789abcdef0123456', date: '2025-09-30' };
const SHA = 'ab'.repeat(32);

export function describeSink(backend: SinkBackend): void {
  describe(`Sink conformance: ${backend.name}`, () => {
    it('an output is invisible while staged and appears whole on commit, under tenant/stream/date', async () => {
      const p = await backend.place();
      const sink = await makeComponent<Sink>('sink', p.config, p.stdout ? { stdout: p.stdout } : {});
      try {
        await sink.ready?.();
        const out = await sink.open(target);
        const lines = Array.from({ length: 2000 }, (_, i) => `{"n":${i},"s":"₹ ${'x'.repeat(i % 50)}"}\n`).join('');
        await out.write(Buffer.from(lines.slice(0, 1000)));
        await out.write(Buffer.from(lines.slice(1000)));
        expect(await p.delivered()).toEqual([]);
        const r = await out.commit(SHA);
        expect(r.uri).toMatch(backend.uri);
        expect(r.bytes).toBe(Buffer.byteLength(lines));
        const got = await p.delivered();
        expect(got).toHaveLength(1);
        expect(got[0]!.bytes.toString()).toBe(lines);
        if (got[0]!.where !== 'stdout') expect(got[0]!.where).toMatch(/tenant=t1\/stream=file\.s\.csv\/date=2025-09-30\/f0123456789abcdef0123456\.abababababababab\.ndjson$/);
      } finally {
        await sink.close();
      }
      expect(await p.debris()).toEqual([]);
    });

    it('an aborted output never appears and leaves nothing behind', async () => {
      const p = await backend.place();
      const sink = await makeComponent<Sink>('sink', p.config, p.stdout ? { stdout: p.stdout } : {});
      try {
        const out = await sink.open(target);
        await out.write(Buffer.from('{"a":1}\n'));
        await out.abort();
        expect(await p.delivered()).toEqual([]);
      } finally {
        await sink.close();
      }
      expect(await p.debris()).toEqual([]);
    });

    it('staged lines can be rewritten before commit (a line replaced, a line dropped)', async () => {
      const p = await backend.place();
      const sink = await makeComponent<Sink>('sink', p.config, p.stdout ? { stdout: p.stdout } : {});
      try {
        const out = await sink.open(target);
        await out.write(Buffer.from('{"v":1}\n{"v":2}\n{"v":3}\n'));
        await out.rewrite((l) => (l === '{"v":2}' ? null : l.replace('"v"', '"w"')));
        const r = await out.commit(SHA);
        expect(r.bytes).toBe(16);
        expect((await p.delivered())[0]!.bytes.toString()).toBe('{"w":1}\n{"w":3}\n');
      } finally {
        await sink.close();
      }
    });

    it('staged lines can be rewritten as bytes: lines across read chunks kept byte for byte, spliced, dropped; a multi-byte character split by a chunk survives', async () => {
      const p = await backend.place();
      const sink = await makeComponent<Sink>('sink', p.config, p.stdout ? { stdout: p.stdout } : {});
      try {
        const out = await sink.open(target);
        // About 3 MB: lines of uneven length cross the reader's 1 MiB chunks at many places.
        const lines = Array.from({ length: 30_000 }, (_, i) => `{"n":${i},"s":"₹${'é'.repeat(i % 97)}"}`);
        await out.write(Buffer.from(lines.join('\n') + '\n'));
        await out.rewriteLines((line, o) => {
          const n = Number(/"n":(\d+)/.exec(line.toString())![1]);
          if (n % 3 === 0) return false;
          if (n % 3 === 1) {
            o.bytes(line);
            return true;
          }
          const at = line.indexOf(',"s"');
          o.bytes(line.subarray(0, at));
          o.text(',"op":"ü"');
          o.bytes(line.subarray(at));
          return true;
        });
        const want = lines.flatMap((l, n) => (n % 3 === 0 ? [] : n % 3 === 1 ? [l] : [l.replace(',"s"', ',"op":"ü","s"')])).join('\n') + '\n';
        const r = await out.commit(SHA);
        expect(r.bytes).toBe(Buffer.byteLength(want));
        expect((await p.delivered())[0]!.bytes.toString()).toBe(want);
      } finally {
        await sink.close();
      }
      expect(await p.debris()).toEqual([]);
    });

    it('the staged file can be handed to another writer by path and taken back: its bytes, then what is written after, in order', async () => {
      const p = await backend.place();
      const sink = await makeComponent<Sink>('sink', p.config, p.stdout ? { stdout: p.stdout } : {});
      try {
        const out = await sink.open(target);
        await out.write(Buffer.from('{"a":1}\n'));
        const ext = await out.external!();
        const { appendFileSync } = await import('node:fs');
        appendFileSync(ext.path, '{"b":2}\n{"c":3}\n');
        await ext.finish(16);
        await out.write(Buffer.from('{"d":4}\n'));
        const r = await out.commit(SHA);
        expect(r.bytes).toBe(32);
        expect((await p.delivered())[0]!.bytes.toString()).toBe('{"a":1}\n{"b":2}\n{"c":3}\n{"d":4}\n');
      } finally {
        await sink.close();
      }
      expect(await p.debris()).toEqual([]);
    });

    it('rewrite(null) drops every staged line; what is written after it is the output', async () => {
      const p = await backend.place();
      const sink = await makeComponent<Sink>('sink', p.config, p.stdout ? { stdout: p.stdout } : {});
      try {
        const out = await sink.open(target);
        await out.write(Buffer.from('{"v":1}\n{"v":2}\n'));
        await out.rewrite(null);
        await out.write(Buffer.from('{"d":1}\n'));
        const r = await out.commit(SHA);
        expect(r.bytes).toBe(8);
        expect((await p.delivered())[0]!.bytes.toString()).toBe('{"d":1}\n');
      } finally {
        await sink.close();
      }
    });

    if (backend.breakable)
    it('a delivery that fails leaves no output (the file stays uncommitted and is read again)', async () => {
      const p = await backend.place();
      const sink = await makeComponent<Sink>('sink', p.config, p.stdout ? { stdout: p.stdout } : {});
      try {
        const out = await sink.open(target);
        await out.write(Buffer.from('{"a":1}\n'.repeat(1000)));
        await p.breakDelivery!();
        await expect(out.commit(SHA)).rejects.toBeTruthy();
        await out.abort();
        expect(await p.delivered()).toEqual([]);
      } finally {
        await sink.close();
      }
      expect(await p.debris()).toEqual([]);
    });

    if (backend.protects)
    it('delivered outputs are protected at rest: owner-only files, or server-side encryption', async () => {
      const p = await backend.place();
      const sink = await makeComponent<Sink>('sink', p.config, p.stdout ? { stdout: p.stdout } : {});
      try {
        const out = await sink.open(target);
        await out.write(Buffer.from('{"a":1}\n'));
        await out.commit(SHA);
      } finally {
        await sink.close();
      }
      await p.checkProtected!();
    });
  });
}
