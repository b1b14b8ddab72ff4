import { createRequire } from 'node:module';
import type { Compression, Compressor } from './parquet.js';

const require = createRequire(import.meta.url);

/**
 * Page compressors. zstd: @foxglove/wasm-zstd (WebAssembly, level 1: measured 776 MB/s here and
 * half the size of snappy); Node 20's zlib has no zstd (it came in 22.15). snappy: snappyjs (pure JS).
 * Loaded on first use, once per process.
 */
let zstd: Promise<Compressor> | undefined;
let snappy: Compressor | undefined;

export async function compressorFor(c: Compression): Promise<Compressor | undefined> {
  if (c === 'none') return undefined;
  if (c === 'snappy') {
    if (!snappy) {
      const S = require('snappyjs') as { compress(b: Uint8Array): Uint8Array };
      snappy = (b) => S.compress(b);
    }
    return snappy;
  }
  zstd ??= (async () => {
    const z = require('@foxglove/wasm-zstd') as typeof import('@foxglove/wasm-zstd');
    await z.isLoaded;
    return (b: Uint8Array) => z.compress(b, 1);
  })();
  return zstd;
}
