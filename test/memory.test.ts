import { describe, expect, it } from 'vitest';
import type { Limits } from '../connector/config.js';
import { MemoryBudget } from '../connector/run/memory.js';

const LIMITS: Limits = {
  max_file_bytes: 10 * 1024 ** 3,
  max_row_bytes: 64 * 1024 ** 2,
  max_xml_depth: 64,
  max_fields: 4096,
  max_buffered_master_bytes: 256 * 1024 ** 2,
  max_decompression_ratio: 200,
  memory_ceiling_bytes: 3 * 1024 ** 3,
};

describe('memory budget', () => {
  it("caps each file's buffers at its share of the ceiling, never above the configured limits", () => {
    const wide = new MemoryBudget(LIMITS, 1).fileLimits();
    expect(wide.max_row_bytes).toBe(LIMITS.max_row_bytes);
    expect(wide.max_buffered_master_bytes).toBe(LIMITS.max_buffered_master_bytes);
    const tight = new MemoryBudget({ ...LIMITS, memory_ceiling_bytes: 256 * 1024 ** 2 }, 8).fileLimits();
    // 256 MiB over 8 files: 32 MiB each; rows at most an eighth of that, masters a quarter.
    expect(tight.max_row_bytes).toBe(4 * 1024 ** 2);
    expect(tight.max_buffered_master_bytes).toBe(8 * 1024 ** 2);
    expect(tight.max_fields).toBe(LIMITS.max_fields);
  });

  it('starts no new file while the process is above three quarters of the ceiling, unless none is in flight', async () => {
    let rss = 0;
    const b = new MemoryBudget({ ...LIMITS, memory_ceiling_bytes: 1000 * 1024 ** 2 }, 4, () => rss);
    await b.admit(); // one in flight
    rss = 800 * 1024 ** 2; // above 750 MiB
    let second = false;
    const p = b.admit().then(() => (second = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(second).toBe(false);
    b.release(); // none in flight: admitted whatever the memory (a run always makes progress)
    await p;
    expect(second).toBe(true);
    // Below the mark again: admitted at once alongside the one in flight.
    rss = 100 * 1024 ** 2;
    await b.admit();
    b.release();
    b.release();
  });
});
