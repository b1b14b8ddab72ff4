import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { STAGED_NAME, inDir, stageFile } from './_staged.js';
import { sweep } from '../../state/debris.js';
import { partitionPath, type Sink, type SinkComponent } from './sink.js';

export interface FolderSinkConfig {
  type: 'ndjson';
  path: string;
}

/** NDJSON files in a local folder (also the layout of dead letters kept in a folder). */
export const folderSink: SinkComponent<FolderSinkConfig> = {
  type: 'ndjson',
  schema: {
    required: ['path'],
    properties: {
      path: { type: 'string', minLength: 1, description: 'Folder; output goes to tenant=<t>/stream=<s>/date=<YYYY-MM-DD>/<file id>.<sha256 prefix>.ndjson.' },
    },
  },
  paths: ['path'],
  async create(cfg, ctx) {
    return createFolderNdjsonSink(cfg.path, ctx.tenantId);
  },
};

/**
 * NDJSON files in a folder: `tenant=<t>/stream=<s>/date=<YYYY-MM-DD>/<file id>.<sha256:16>.ndjson`,
 * one per input file version, appearing by rename when the input file is complete. Staging happens
 * in `<root>/.staging` (same filesystem, so the rename is atomic). Owner-only permissions.
 */
function createFolderNdjsonSink(root: string, tenantId: string, suffix = '.ndjson'): Sink {
  return {
    kind: 'ndjson',
    async open(t) {
      return stageFile(join(root, '.staging'), async (tmp, _bytes, sha) => {
        const dest = join(root, partitionPath(tenantId, t, sha, suffix));
        await inDir(join(dest, '..'), () => rename(tmp, dest));
        return pathToFileURL(dest).href;
      });
    },
    async sweep(maxAgeMs: number) {
      return sweep(join(root, '.staging'), STAGED_NAME, maxAgeMs);
    },
    async close() {},
  };
}
