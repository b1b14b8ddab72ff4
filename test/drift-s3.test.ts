import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { cli, readOutputs, rmrf, tempDir } from './helpers/index.js';
import { useS3rver } from './harness/s3rver.js';

/** The schema registry (and the state) on S3: a real S3 API server on 127.0.0.1. */
const BUCKET = 'registry-drift';
const ctx = useS3rver([BUCKET]);

describe('drift with the registries in S3', () => {
  it('quarantines, lists, accepts and then delivers, with versions and alerts stored in the bucket', async () => {
    const dir = tempDir();
    try {
      mkdirSync(join(dir, 'landing'));
      const store = (prefix: string) => `{ type: s3, bucket: ${BUCKET}, prefix: ${prefix}, endpoint: "${ctx.s3.endpoint}", force_path_style: true, allow_http_for_local_development: true }`;
      const cfg = join(dir, 'c.yaml');
      writeFileSync(
        cfg,
        `tenant_id: t1
connector_id: c1
source: { type: local, path: ${join(dir, 'landing')} }
streams:
  - { id: s.csv, pattern: "*.csv", entity: qty }
state: ${store('state')}
schema_registry: ${store('schemas')}
sink: { type: ndjson, path: ${join(dir, 'out')} }
log_level: warn
`,
      );
      writeFileSync(join(dir, 'landing', 'qty_1.csv'), 'id,qty\n1,5\n');
      expect((await cli(['run', '--config', cfg])).summary).toMatchObject({ files_processed: 1, drift_alerts: 0 });
      writeFileSync(join(dir, 'landing', 'qty_2.csv'), 'id,qty\n2,five\n3,6\n');
      const r = await cli(['run', '--config', cfg]);
      expect(r.summary).toMatchObject({ files_quarantined: 1, drift_alerts: 1, rows_emitted: 0 });
      const alerts = (await cli(['drift', 'list', '--config', cfg, '--status', 'open', '--json'])).lines;
      expect(alerts).toHaveLength(1);
      expect((await cli(['drift', 'accept', alerts[0].id, '--config', cfg])).code).toBe(0);
      const after = await cli(['run', '--config', cfg]);
      expect(after.summary).toMatchObject({ files_processed: 1, rows_emitted: 2 });
      const rows = readOutputs(join(dir, 'out')).filter((e) => e.record.id === '2' || e.record.id === '3');
      expect(rows.map((e) => e.schema_version)).toEqual([2, 2]);
      const client = new S3Client({ region: 'us-east-1', endpoint: ctx.s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
      const keys = (await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'schemas/' }))).Contents?.map((o) => o.Key) ?? [];
      client.destroy();
      expect(keys).toEqual(expect.arrayContaining(['schemas/t1/streams/s.csv/entities/qty/v/000001.json', 'schemas/t1/streams/s.csv/entities/qty/v/000002.json', `schemas/t1/alerts/${alerts[0].id}.json`]));
    } finally {
      rmrf(dir);
    }
  });
});
