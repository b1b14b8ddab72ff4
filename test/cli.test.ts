import { spawnSync } from 'node:child_process';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cli, rmrf, tempDir, yamlConfig } from './helpers/index.js';
import { EXIT_CODES } from '../connector/errors.js';

describe('CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    mkdirSync(join(dir, 'landing'));
  });
  afterAll(() => rmrf(dir));

  const config = (text: string, name = 'c.yaml') => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('explains itself with --help, for every command', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    for (const c of ['run', 'read', 'plan', 'check', 'drift', 'state', 'spec']) expect(top.stdout).toContain(c);
    expect(top.stdout).toMatch(/Exit codes:[\s\S]*4 +partial/);
    // Every exit code the connector can end with is in the table an orchestrator reads.
    for (const code of [...Object.values(EXIT_CODES), 130]) expect(top.stdout).toMatch(new RegExp(`\\n  ${code} +\\S`));
    for (const c of ['run', 'read', 'plan', 'check', 'spec']) {
      const r = await cli([c, '--help']);
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toMatch(new RegExp(`Usage: tally-connector ${c}`));
    }
    const s = await cli(['state', '--help']);
    expect(s.stdout).toMatch(/forget/);
  });

  it('exits 2 with a message naming the offending field and what was expected', async () => {
    const cases: Array<[string, RegExp]> = [
      [yamlConfig(dir).replace('tenant_id: t1', 'tenant_id: "bad tenant!"'), /tenant_id: does not match the expected form/],
      [yamlConfig(dir).replace('type: local, path: ' + join(dir, 'landing'), 'type: ftp, path: x'), /source: type "ftp" is not supported; expected one of local, s3, sftp/],
      [yamlConfig(dir).replace('pattern: "**/*.xml"', 'pattern: 7'), /streams\[0\]\.pattern: must be string/],
      [yamlConfig(dir).replace('connector_id: tally_file_dump\n', ''), /connector_id: is required/],
      [yamlConfig(dir) + 'concurency: 3\n', /unknown field "concurency"/],
      [yamlConfig(dir).replace('sink: { type: ndjson, path: ' + join(dir, 'out') + ' }', 'sink: { type: ndjson }'), /sink\.path: is required/],
      ['tenant_id: [unclosed', /not valid YAML/],
    ];
    for (const [text, re] of cases) {
      const r = await cli(['run', '--config', config(text)]);
      expect(r.code, text).toBe(2);
      expect(r.stderr, text).toMatch(re);
    }
    const missing = await cli(['run', '--config', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read config file .*nope.yaml: ENOENT/);
    const noConfig = await cli(['run']);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toMatch(/--config FILE is required/);
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    const badFlag = await cli(['run', '--config', 'x', '--bogus']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/Unknown option '--bogus'/);
  });

  it('accepts JSON configs too, and prints the config schema with spec', async () => {
    const json = JSON.stringify({ tenant_id: 't1', connector_id: 'c', source: { type: 'local', path: join(dir, 'landing') }, streams: [{ id: 's', pattern: '*.xml' }], state: { type: 'local', path: join(dir, 'st') }, sink: { type: 'ndjson', path: join(dir, 'o') } });
    const r = await cli(['run', '--config', config(json, 'c.json')]);
    expect(r.code).toBe(0);
    expect(r.summary.files_discovered).toBe(0);
    const spec = await cli(['spec']);
    expect(JSON.parse(spec.stdout).title).toMatch(/configuration/);
  });

  it('exits 5 when the landing cannot be listed', async () => {
    const r = await cli(['run', '--config', config(yamlConfig(dir).replace(join(dir, 'landing'), join(dir, 'missing')), 'm.yaml')]);
    expect(r.code).toBe(5);
    expect(r.summary).toMatchObject({ status: 'source_unavailable', exit_code: 5 });
    expect(r.stderr).toMatch(/landing folder .*missing cannot be read \(ENOENT\)/);
  });

  it('plan shows what a run would do without reading files', async () => {
    writeFileSync(join(dir, 'landing', 'x.xml'), '<ENVELOPE/>');
    writeFileSync(join(dir, 'landing', 'Co.tsb'), 'x');
    // Same modification time: the plan lists files in mtime order, then by path.
    const t = new Date('2025-09-30T00:00:00Z');
    for (const f of ['x.xml', 'Co.tsb']) utimesSync(join(dir, 'landing', f), t, t);
    const p = config(yamlConfig(dir, 'privacy: { clear_names: true }'), 'p.yaml');
    const r = await cli(['plan', '--config', p, '--json']);
    expect(r.code).toBe(0);
    expect(r.lines.map((l) => [l.path, l.action])).toEqual([
      ['Co.tsb', 'refuse'],
      ['x.xml', 'process'],
    ]);
  });

  it('runs as a process: the bin prints the summary last and exits with the documented code', () => {
    const d = tempDir();
    mkdirSync(join(d, 'landing'));
    writeFileSync(join(d, 'landing', 'ok.csv'), 'a,b\n1,2\n');
    writeFileSync(join(d, 'landing', 'cut.xml'), '<ENVELOPE><BODY><TALLYMESSAGE><VOUCHER>');
    writeFileSync(join(d, 'c.yaml'), yamlConfig(d));
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'tally-connector.mjs'), 'run', '--config', join(d, 'c.yaml')], { encoding: 'utf8' });
    expect(r.status).toBe(4);
    const last = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(last).toMatchObject({ files_processed: 1, files_failed: 1, exit_code: 4 });
    // stderr carries structured logs, one JSON object per line.
    for (const line of r.stderr.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    rmrf(d);
  });
});
