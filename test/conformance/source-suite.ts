import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RemoteFile, Source } from '../../connector/sources/source.js';
import { makeComponent } from '../helpers/index.js';

/**
 * The Source conformance suite: what every landing backend must do, the same test for each. A
 * backend joins by providing a `SourceBackend` (test/conformance.test.ts lists them).
 */
export interface SourceLanding {
  /** The `source` config fragment that lists this landing. */
  config(extra?: Record<string, unknown>): Record<string, unknown>;
  /** Write a file at `key` (relative to the landing root), `old` = modified ten minutes ago. */
  put(key: string, body: Buffer | string, old?: boolean): Promise<void>;
  remove(key: string): Promise<void>;
  /** The URI the source must give `key`. */
  uri(key: string): string;
  /**
   * Symbolic links, where the backend has them: `key` → a path inside the landing (`.` and `..`
   * make loops), a file outside it, or nothing.
   */
  link?(key: string, to: { inside: string } | { outside: string } | { nowhere: true }): Promise<void>;
  /** An archive location for after_commit: beside the landing, or inside it (`_archive` under the root). */
  archive(inside: boolean): ArchivePlace;
}

export interface ArchivePlace {
  /** The source config fields that name it (`archive_to`). */
  extra: Record<string, unknown>;
  /** The URI an archived `key` must get. */
  uri(key: string): string;
  /** Keys (relative to the archive) of what it holds. */
  keys(): Promise<string[]>;
  read(key: string): Promise<Buffer>;
}

export interface SourceBackend {
  name: string;
  /** A fresh, empty landing (called inside a test, after the server started). */
  landing(): Promise<SourceLanding>;
  /** The page size knob (`page_size`), where listing is paged by the server. */
  pageSize?: string;
  /** The backend has symbolic links (a folder, SFTP); its landings then provide `link`. */
  links: boolean;
}

async function list(src: Source): Promise<RemoteFile[]> {
  const out: RemoteFile[] = [];
  for await (const f of src.list()) out.push(f);
  return out.sort((a, b) => (a.key < b.key ? -1 : 1));
}

async function read(src: Source, f: RemoteFile): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of await src.open(f)) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function withSource<T>(cfg: Record<string, unknown>, fn: (src: Source) => Promise<T>): Promise<T> {
  const src = await makeComponent<Source>('source', cfg);
  try {
    return await fn(src);
  } finally {
    await src.close();
  }
}

export function describeSource(backend: SourceBackend): void {
  describe(`Source conformance: ${backend.name}`, () => {
    it('lists every file under the root, nested folders included, with keys relative to the root, sizes and URIs', async () => {
      const l = await backend.landing();
      const files: Record<string, string> = { 'a.csv': 'x\n1\n', 'daybook/2025/09/d.xml': '<ENVELOPE/>', 'masters/m.xml': '<ENVELOPE></ENVELOPE>', 'deep/er/and/deeper/e.csv': 'é,ü\n' };
      for (const [k, v] of Object.entries(files)) await l.put(k, v);
      await withSource(l.config(), async (src) => {
        const got = await list(src);
        expect(got.map((f) => f.key)).toEqual(Object.keys(files).sort());
        for (const f of got) {
          expect(f.size, f.key).toBe(Buffer.byteLength(files[f.key]!));
          expect(f.uri, f.key).toBe(l.uri(f.key));
          expect(f.mtimeMs, f.key).toBeGreaterThan(Date.now() - 24 * 3600_000);
        }
      });
    });

    it('streams a file exactly, byte for byte, and reads a second time the same', async () => {
      const l = await backend.landing();
      const body = Buffer.alloc(3 * 1024 * 1024 + 17);
      for (let i = 0; i < body.length; i++) body[i] = (i * 7 + (i >> 11)) & 0xff;
      await l.put('big.bin', body);
      await withSource(l.config(), async (src) => {
        const [f] = await list(src);
        const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
        expect(sha(await read(src, f!))).toBe(sha(body));
        expect(sha(await read(src, f!))).toBe(sha(body));
      });
    });

    it('loses nothing over many files (paged listings, long folders)', async () => {
      const l = await backend.landing();
      const keys = Array.from({ length: 130 }, (_, i) => `p${i % 4}/f${String(i).padStart(4, '0')}.csv`);
      for (const k of keys) await l.put(k, `a\n${k}\n`);
      const cfg = l.config(backend.pageSize ? { [backend.pageSize]: 7 } : {});
      await withSource(cfg, async (src) => {
        expect((await list(src)).map((f) => f.key)).toEqual([...keys].sort());
      });
    });

    it('a file that vanished between listing and reading is E_VANISHED (the run skips it)', async () => {
      const l = await backend.landing();
      await l.put('gone.csv', 'a\n1\n');
      await withSource(l.config(), async (src) => {
        const [f] = await list(src);
        await l.remove('gone.csv');
        await expect(read(src, f!)).rejects.toMatchObject({ code: 'E_VANISHED' });
      });
    });

    it('reports modification times, and its settle time from the config (young files are left pending)', async () => {
      const l = await backend.landing();
      await l.put('fresh.csv', 'a\n1\n', false);
      await withSource(l.config({ settle_seconds: 120 }), async (src) => {
        expect(src.settleMs).toBe(120_000);
        const [f] = await list(src);
        expect(Math.abs(Date.now() - f!.mtimeMs)).toBeLessThan(60_000);
      });
      await withSource(l.config({ settle_seconds: 0 }), async (src) => expect(src.settleMs).toBe(0));
    });

    it('refuses keys that would leave the root (from state or --only): `..`, absolute paths', async () => {
      const l = await backend.landing();
      await l.put('in.csv', 'a\n');
      await withSource(l.config(), async (src) => {
        for (const key of ['../in.csv', '../../etc/passwd', '/etc/passwd', 'a/../../x.csv']) {
          await expect(read(src, { key, uri: '', size: 0, mtimeMs: 0 }), key).rejects.toMatchObject({ code: expect.stringMatching(/^E_(READ|VANISHED)$/) });
        }
      });
    });

    it('after a commit: archives a file keeping its relative path, or deletes it, only while the landing holds the bytes that were read', async () => {
      const l = await backend.landing();
      await l.put('d/x/a.csv', 'a\n1\n');
      await l.put('b.csv', 'b\n2\n');
      await l.put('c.csv', 'c\n3\n');
      await l.put('e.csv', 'e\n5\n');
      const arch = l.archive(false);
      await withSource(l.config(arch.extra), async (src) => {
        const at = Object.fromEntries((await list(src)).map((f) => [f.key, f]));
        expect(await src.dispose(at['d/x/a.csv']!, 'archive')).toEqual({ uri: arch.uri('d/x/a.csv') });
        expect(await arch.keys()).toEqual(['d/x/a.csv']);
        expect((await arch.read('d/x/a.csv')).toString()).toBe('a\n1\n');
        expect(await src.dispose(at['b.csv']!, 'delete')).toEqual({});
        // Replaced after it was listed (and read): neither moved nor deleted, left for the next run.
        await l.put('c.csv', 'c\n3\n4\n');
        await expect(src.dispose(at['c.csv']!, 'archive')).rejects.toMatchObject({ code: 'E_CHANGED' });
        await expect(src.dispose(at['c.csv']!, 'delete')).rejects.toMatchObject({ code: 'E_CHANGED' });
        // Gone since: nothing to do, said so.
        await l.remove('e.csv');
        await expect(src.dispose(at['e.csv']!, 'archive')).rejects.toMatchObject({ code: expect.stringMatching(/^E_(CHANGED|DISPOSE)$/) });
        expect((await list(src)).map((f) => f.key)).toEqual(['c.csv']);
        expect(await arch.keys()).toEqual(['d/x/a.csv']);
        // The same path archived again replaces the copy archived before.
        const [c] = await list(src);
        expect(await src.dispose(c!, 'archive')).toEqual({ uri: arch.uri('c.csv') });
        await l.put('c.csv', 'c\nnew\n');
        const [c2] = await list(src);
        await src.dispose(c2!, 'archive');
        expect((await arch.read('c.csv')).toString()).toBe('c\nnew\n');
        expect(await list(src)).toEqual([]);
      });
    });

    it('an archive inside the root is not listed; one at or above the root is a config error', async () => {
      const l = await backend.landing();
      await l.put('a.csv', 'a\n1\n');
      const arch = l.archive(true);
      await withSource(l.config(arch.extra), async (src) => {
        const [f] = await list(src);
        await src.dispose(f!, 'archive');
        expect(await list(src)).toEqual([]);
        expect(await arch.keys()).toEqual(['a.csv']);
      });
      const root = l.config();
      const at = backend.name.startsWith('s3') ? { archive_to: root['prefix'] } : { archive_to: root['path'] ?? root['root'] };
      await expect(makeComponent<Source>('source', { ...root, ...at })).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringMatching(/archive_to is the/) });
    });

    if (backend.links) {
      it('lists each real file once: links are not followed (no loops); links that leave the root or point nowhere are reported as refused', async () => {
        const l = await backend.landing();
        expect(l.link, 'a backend with links provides link()').toBeDefined();
        await l.put('real/r.csv', 'inside\n');
        await l.put('sub/s.csv', 's\n');
        await l.link!('inside.csv', { inside: 'real/r.csv' });
        await l.link!('dirlink', { inside: 'real' });
        await l.link!('self', { inside: '.' });
        await l.link!('sub/up', { inside: '..' });
        await l.link!('escape.csv', { outside: 'secret.csv' });
        await l.link!('dangling.csv', { nowhere: true });
        await withSource(l.config(), async (src) => {
          const refused: Array<[string, string]> = [];
          const got: RemoteFile[] = [];
          for await (const f of src.list((r) => refused.push([r.file.key, r.code]))) got.push(f);
          expect(got.map((f) => f.key).sort()).toEqual(['real/r.csv', 'sub/s.csv']);
          expect(refused.sort()).toEqual([
            ['dangling.csv', 'E_LINK_DANGLING'],
            ['escape.csv', 'E_LINK_OUTSIDE'],
          ]);
          // A key through a link that leaves the root is never read (from state or --only).
          await expect(read(src, { key: 'escape.csv', uri: '', size: 0, mtimeMs: 0 })).rejects.toMatchObject({ code: 'E_READ' });
        });
      });
    }
  });
}
