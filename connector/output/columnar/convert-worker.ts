import { parentPort, workerData } from 'node:worker_threads';
import { isConnectorError } from '../../errors.js';
import { convertSegments, type SegmentJob } from './convert.js';

/**
 * A conversion thread (convert.ts, convertParts): one part of a file's row log into Parquet
 * segments, one per entity, compressed here; answers once with their row groups, or the error.
 */
const job = workerData as SegmentJob;
convertSegments(job).then(
  (outs) => parentPort!.postMessage({ ok: true, outs }),
  (e: unknown) =>
    parentPort!.postMessage({
      ok: false,
      error: e instanceof Error ? e.message : String(e),
      ...(isConnectorError(e) ? { connector: { code: e.code, ...(e.hint ? { hint: e.hint } : {}) } } : {}),
    }),
);
