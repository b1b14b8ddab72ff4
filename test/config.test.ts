import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfigSchema } from '../connector/config-schema.js';
import { FAMILIES } from '../connector/components.js';
import { resolveConfig, resolveComponentConfig } from '../connector/config.js';
import { configValidatorSource, loadConfigValidators, VALIDATOR_FILE } from '../connector/config-validate.js';
import { ROOT } from './helpers/index.js';

const minimal = { tenant_id: 't1', connector_id: 'c', source: { type: 'local', path: 'l' }, streams: [{ id: 's', pattern: '*.xml' }], state: { type: 'local', path: 's' }, sink: { type: 'stdout' } };

describe('config schema: assembled from the components', () => {
  it(`schemas/${VALIDATOR_FILE} is the precompiled validator of that schema (run \`make schemas\`), and runs load it`, () => {
    const schema = buildConfigSchema();
    expect(readFileSync(join(ROOT, 'schemas', VALIDATOR_FILE), 'utf8')).toBe(configValidatorSource(schema));
    // Loaded from the file, not compiled: standalone validators carry no ajv schema environment.
    const v = loadConfigValidators(schema);
    expect((v.config as unknown as { schemaEnv?: unknown }).schemaEnv).toBeUndefined();
    // A schema it was not made from is compiled at run time instead.
    const other = { ...schema, description: 'another' };
    expect((loadConfigValidators(other).config as unknown as { schemaEnv?: unknown }).schemaEnv).toBeDefined();
    // Both say the same about a config, defaults included.
    for (const cfg of [minimal, { ...minimal, sink: { type: 'ndjson' } }, { ...minimal, workers: 0 }]) {
      const a = structuredClone(cfg);
      const b = structuredClone(cfg);
      const ok = v.config(a);
      expect(loadConfigValidators(other).config(b)).toBe(ok);
      expect(a).toEqual(b);
    }
  });
  it('schemas/config.schema.json is what the components declare (run `make schemas` after changing one)', () => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'schemas', 'config.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildConfigSchema())));
  });

  it('every registered component has a branch in its family, and S3 and SFTP fields are declared once', () => {
    const schema = buildConfigSchema() as { $defs: Record<string, any>; properties: Record<string, any> };
    const refs = (field: string) => schema.properties[field].oneOf.map((b: { $ref: string }) => b.$ref);
    expect(refs('source')).toEqual(Object.keys(FAMILIES.source).map((t) => `#/$defs/${t}Source`));
    expect(refs('sink')).toEqual(Object.keys(FAMILIES.sink).map((t) => `#/$defs/${t}Sink`));
    expect(refs('state')).toEqual(Object.keys(FAMILIES.store).map((t) => `#/$defs/${t}Store`));
    for (const def of ['s3Source', 's3Sink', 's3Store']) {
      expect(schema.$defs[def].$ref, def).toBe('#/$defs/s3Connection');
      expect(schema.$defs[def].properties.bucket, def).toBeUndefined();
    }
    expect(schema.$defs['sftpSource'].$ref).toBe('#/$defs/sftpConnection');
    expect(JSON.stringify(schema).match(/"bucket":\{/g)).toHaveLength(1);
    expect(JSON.stringify(schema).match(/"host_key_sha256":\{/g)).toHaveLength(1);
  });

  it('fills every default from the schema: top level, nested objects, streams and the selected component', () => {
    const c = resolveConfig(minimal, '<inline>');
    expect(c.concurrency).toBe(4);
    expect(c.privacy).toEqual({ clear_names: false });
    expect(c.limits).toMatchObject({ max_row_bytes: 16777216, max_xml_depth: 64, max_fields: 4096, max_decompression_ratio: 200, max_file_bytes: Number.MAX_SAFE_INTEGER });
    expect(c.run).toEqual({ progress_interval_ms: 5000, fail_fast: false, stale_after_minutes: 360, lease_ttl_seconds: 300 });
    expect(c.log_level).toBe('info');
    expect(c.streams[0]).toEqual({ id: 's', patterns: ['*.xml'], format: 'auto', csv: { delimiter: ',' }, drift: { compatible: 'evolve', breaking: 'quarantine' }, after_commit: 'keep' });
    expect(c.source).toEqual({ type: 'local', path: join(process.cwd(), 'l'), settle_seconds: 0 });
    const sftp = resolveComponentConfig('source', { type: 'sftp', host: 'h', username: 'u', root: '/r', host_key_sha256: 'SHA256:' + 'A'.repeat(43), password_env: 'P' });
    expect(sftp).toMatchObject({ port: 22, settle_seconds: 60, read_chunk_bytes: 4194304, max_attempts: 4, connect_timeout_ms: 10000 });
    const s3 = resolveComponentConfig('sink', { type: 's3', bucket: 'bkt' });
    expect(s3).toEqual({ type: 's3', bucket: 'bkt', prefix: '', region: 'us-east-1', force_path_style: false, allow_http_for_local_development: false, max_attempts: 5, retry_mode: 'standard', format: 'ndjson', compression: 'zstd', row_group_rows: 65536, parallel_min_bytes: 16777216, decimal_scale: 6 });
    // The caller's object is not changed.
    expect(minimal.source).toEqual({ type: 'local', path: 'l' });
  });

  it('reports the field of the branch that `type` selects, and unknown types with the list of known ones', () => {
    const bad = (patch: Record<string, unknown>) => {
      try {
        resolveConfig({ ...minimal, ...patch }, 'c.yaml');
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(bad({ source: { type: 's3' } })).toMatch(/source\.bucket: is required/);
    expect(bad({ source: { type: 's3' } })).not.toMatch(/path|host/);
    expect(bad({ source: { type: 's3', bucket: 'bkt', page_sise: 3 } })).toMatch(/source: unknown field "page_sise"/);
    expect(bad({ source: { type: 'sftp', host: 'h', username: 'u', root: '/r', host_key_sha256: 'SHA256:' + 'A'.repeat(43) } })).toMatch(/source: an SFTP source needs one of private_key_file/);
    expect(bad({ sink: { type: 'gcs' } })).toMatch(/sink: type "gcs" is not supported; expected one of ndjson, parquet, arrow, stdout, s3/);
    expect(bad({ state: { path: 'x' } })).toMatch(/state: type is missing; expected one of local, s3/);
    expect(bad({ state: 7 })).toMatch(/state: must be an object with a "type" \(one of local, s3\)/);
  });
});
