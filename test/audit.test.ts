import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { validatorFor } from '../connector/schemas.js';
import { cli, listFiles, rmrf, tempDir, yamlConfig } from './helpers/index.js';
import { useS3rver } from './harness/s3rver.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(rmrf));

function setup(extra = '', streams?: string) {
  const dir = tempDir('tc-audit-');
  dirs.push(dir);
  mkdirSync(join(dir, 'landing'));
  const config = join(dir, 'c.yaml');
  writeFileSync(config, yamlConfig(dir, extra, streams));
  return {
    dir,
    config,
    run: (env: NodeJS.ProcessEnv = {}) => cli(['run', '--config', config], env),
    read: () => cli(['read', '--config', config]),
    put: (k: string, v: string) => {
      const p = join(dir, 'landing', ...k.split('/'));
      mkdirSync(join(p, '..'), { recursive: true });
      writeFileSync(p, v);
      const old = new Date(Date.now() - 600_000);
      utimesSync(p, old, old);
    },
  };
}

/** Every line of every audit file under `dir`, each checked against schemas/audit.schema.json. */
function auditLines(dir: string): any[] {
  const v = validatorFor('audit.schema.json');
  const out: any[] = [];
  for (const f of listFiles(dir).filter((p) => /audit-\d{4}-\d\d-\d\d\.ndjson$/.test(p))) {
    for (const line of readFileSync(f, 'utf8').split('\n').filter(Boolean)) {
      const o = JSON.parse(line);
      expect(v(o), `${line}\n${JSON.stringify(v.errors)}`).toBe(true);
      out.push(o);
    }
  }
  return out;
}

const GOOD_XML = '<ENVELOPE><BODY><DATA><TALLYMESSAGE><LEDGER NAME="Cash" GUID="g-1"><PARENT>Cash-in-Hand</PARENT></LEDGER></TALLYMESSAGE></DATA></BODY></ENVELOPE>';

describe('audit log', () => {
  it('records the run start (who), each file access (id, size, sha256, bytes, action, outcome) and the run end; owner-only; no names, no secrets', async () => {
    const t = setup('privacy: { hash_key_env: TALLY_KEY }');
    t.put('acme_pan_ABCDE1234F/ledgers.xml', GOOD_XML);
    t.put('acme_pan_ABCDE1234F/day.csv', 'a,b\n1,2\n');
    t.put('bad/broken.xml', '<ENVELOPE><BODY><DATA><TALLYMESSAGE><LEDGER NAME="x">');
    t.put('backup/company.tsb', 'opaque');
    const secret = 'k3y-that-must-not-leak-5f1e';
    const r = await t.run({ TALLY_KEY: secret, TALLY_AUDIT_ACTOR: 'dag=tally_daily run=2026-12-02T00:00' });
    expect(r.code).toBe(4);
    const lines = auditLines(join(t.dir, 'state', 'audit'));
    expect(lines.map((l) => l.event)).toEqual(['run_start', 'file', 'file', 'file', 'file', 'run_end']);
    expect(new Set(lines.map((l) => l.run_id))).toEqual(new Set([r.summary.run_id]));
    expect(lines[0]).toMatchObject({ command: 'run', tenant_id: 't1', connector_id: 'tally_file_dump', actor: { orchestrator: 'dag=tally_daily run=2026-12-02T00:00', host: expect.any(String), user: expect.any(String) } });
    const files = lines.filter((l) => l.event === 'file');
    expect(files.map((f) => f.outcome).sort()).toEqual(['committed', 'committed', 'failed', 'refused']);
    const committed = files.filter((f) => f.outcome === 'committed');
    for (const f of committed) {
      expect(f).toMatchObject({ action: 'read', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bytes_read: f.size });
    }
    expect(files.find((f) => f.outcome === 'refused')).toMatchObject({ action: 'refuse', code: 'E_FILE_BACKUP', bytes_read: 0 });
    expect(files.find((f) => f.outcome === 'failed')).toMatchObject({ action: 'read', code: 'E_XML_TRUNCATED' });
    // The file ids are those of the summary and the state; the checksum is the state's.
    const stateEntries = listFiles(join(t.dir, 'state')).filter((f) => f.includes('/files/')).map((f) => JSON.parse(readFileSync(f, 'utf8')));
    for (const f of committed) expect(stateEntries.find((e) => e.file_id === f.file_id)?.sha256).toBe(f.sha256);
    expect(lines[5]).toMatchObject({ status: 'partial', exit_code: 4, files_processed: 2, files_failed: 1, files_refused: 1 });
    // Owner-only; no clear names; no secret.
    const [auditFile] = listFiles(join(t.dir, 'state', 'audit'));
    expect(statSync(auditFile!).mode & 0o777).toBe(0o600);
    expect(statSync(join(t.dir, 'state', 'audit')).mode & 0o777).toBe(0o700);
    const text = readFileSync(auditFile!, 'utf8');
    for (const leak of ['acme', 'ABCDE1234F', 'broken', 'company', secret, t.dir]) expect(text).not.toContain(leak);

    // A second run appends to the same day's file; a file that did not change is not read again.
    const again = await t.run({ TALLY_KEY: secret });
    const all = auditLines(join(t.dir, 'state', 'audit'));
    expect(all.filter((l) => l.run_id === again.summary.run_id).map((l) => l.event)).toEqual(['run_start', 'run_end']);
  });

  it('is written when the run fails before reading anything (the landing is gone), and records nothing when it cannot start', async () => {
    const t = setup();
    rmrf(join(t.dir, 'landing'));
    const r = await t.run();
    expect(r.code).toBe(5);
    const lines = auditLines(join(t.dir, 'state', 'audit'));
    expect(lines.map((l) => [l.event, l.status])).toEqual([['run_start', undefined], ['run_end', 'source_unavailable']]);
    expect(lines[1].error).toMatch(/E_SOURCE/);

    // An audit log that cannot be written stops the run before anything is read (exit 6).
    const u = setup('audit: { path: ./audit-blocked }');
    writeFileSync(join(u.dir, 'audit-blocked'), 'a file where the folder should be');
    u.put('a.csv', 'a\n1\n');
    const blocked = await u.run();
    expect(blocked.code).toBe(6);
    expect(blocked.summary).toMatchObject({ status: 'state_unavailable', files_processed: 0, bytes_read: 0 });
    expect(blocked.summary.error).toMatch(/audit log cannot be written/);
    expect(listFiles(join(u.dir, 'out')).filter((f) => f.endsWith('.ndjson'))).toEqual([]);
  });

  it('names files with privacy.clear_names; `read` writes none unless audit is configured, then records what it proposed', async () => {
    const t = setup('privacy: { clear_names: true }');
    t.put('x/day.csv', 'a,b\n1,2\n');
    const r = await t.run();
    expect(r.code).toBe(0);
    const file = auditLines(join(t.dir, 'state', 'audit')).find((l) => l.event === 'file');
    expect(file).toMatchObject({ path: 'x/day.csv', outcome: 'committed' });

    const rd = setup();
    rd.put('day.csv', 'a,b\n1,2\n');
    expect((await rd.read()).code).toBe(0);
    expect(existsSync(join(rd.dir, 'state'))).toBe(false);

    const rc = setup('audit: { path: ./audit }');
    rc.put('day.csv', 'a,b\n1,2\n');
    expect((await rc.read()).code).toBe(0);
    expect(existsSync(join(rc.dir, 'state'))).toBe(false);
    expect(auditLines(join(rc.dir, 'audit')).map((l) => [l.event, l.command ?? l.outcome])).toEqual([['run_start', 'read'], ['file', 'proposed'], ['run_end', undefined]]);
  });
});

describe('after_commit', () => {
  const streams = (action: string) => `  - { id: day, pattern: "**/*.csv", after_commit: ${action} }
  - { id: masters, pattern: "**/*.xml", drift: { breaking: quarantine } }`;

  it('archive: moves committed files to archive_to keeping their relative paths, never a failed one; audited; the archive is not listed again', async () => {
    const dir = tempDir('tc-after-');
    dirs.push(dir);
    const t = setup();
    const config = yamlConfig(t.dir, '', streams('archive')).replace(`path: ${join(t.dir, 'landing')} }`, `path: ${join(t.dir, 'landing')}, archive_to: ${join(t.dir, 'landing', '_done')} }`);
    writeFileSync(t.config, config);
    t.put('2026/12/a.csv', 'a,b\n1,2\n');
    t.put('b.csv', 'a,b\n3,4\n');
    t.put('bad.csv', 'a,b\n1,2\n3,"4'); // cut short (E_CSV_TRUNCATED): failed, stays
    t.put('m.xml', GOOD_XML); // a stream that keeps its files
    const r = await t.run();
    expect(r.summary).toMatchObject({ files_processed: 3, files_failed: 1, after_commit: { archived: 2, deleted: 0, failed: 0 } });
    const landing = listFiles(join(t.dir, 'landing')).map((f) => f.slice(join(t.dir, 'landing').length + 1)).sort();
    expect(landing).toEqual(['_done/2026/12/a.csv', '_done/b.csv', 'bad.csv', 'm.xml']);
    expect(readFileSync(join(t.dir, 'landing', '_done', 'b.csv'), 'utf8')).toBe('a,b\n3,4\n');
    const lines = auditLines(join(t.dir, 'state', 'audit'));
    const moves = lines.filter((l) => l.action === 'archive');
    expect(moves).toHaveLength(2);
    for (const m of moves) {
      expect(m.outcome).toBe('archived');
      // Each move follows the commit of the same file.
      const i = lines.indexOf(m);
      expect(lines.slice(0, i).some((l) => l.file_id === m.file_id && l.outcome === 'committed')).toBe(true);
    }
    // The next run sees the failed file only (unchanged: skipped), not the archive.
    const next = await t.run();
    expect(next.summary).toMatchObject({ files_discovered: 2, files_processed: 0, after_commit: { archived: 0, deleted: 0, failed: 0 } });
  });

  it('delete: removes committed files only; held (quarantined) files and read mode leave the landing untouched; turned on later, it catches up', async () => {
    const t = setup('', `  - { id: day, pattern: "**/*.csv", after_commit: delete, drift: { breaking: quarantine } }`);
    t.put('a.csv', 'id,amount\n1,10\n');
    // read never touches the landing.
    expect((await t.read()).code).toBe(0);
    expect(existsSync(join(t.dir, 'landing', 'a.csv'))).toBe(true);
    const r = await t.run();
    expect(r.summary.after_commit).toEqual({ archived: 0, deleted: 1, failed: 0 });
    expect(existsSync(join(t.dir, 'landing', 'a.csv'))).toBe(false);
    // A breaking change is held: not deleted.
    t.put('b.csv', 'id,amount\n2,not-a-number\n');
    const held = await t.run();
    expect(held.summary).toMatchObject({ files_quarantined: 1, after_commit: { deleted: 0 } });
    expect(existsSync(join(t.dir, 'landing', 'b.csv'))).toBe(true);

    // A stream that kept its files, switched to delete: the next run deletes what is committed.
    const k = setup('', `  - { id: day, pattern: "**/*.csv" }`);
    k.put('c.csv', 'x\n1\n');
    expect((await k.run()).summary.files_processed).toBe(1);
    writeFileSync(k.config, yamlConfig(k.dir, '', `  - { id: day, pattern: "**/*.csv", after_commit: delete }`));
    const later = await k.run();
    expect(later.summary).toMatchObject({ files_processed: 0, files_skipped: 1, after_commit: { deleted: 1 } });
    expect(existsSync(join(k.dir, 'landing', 'c.csv'))).toBe(false);
  });

  it('a move that fails leaves the file committed and in place, reported (exit 0), and is tried again next run', async () => {
    const t = setup();
    writeFileSync(t.config, yamlConfig(t.dir, '', `  - { id: day, pattern: "**/*.csv", after_commit: archive }`).replace(`path: ${join(t.dir, 'landing')} }`, `path: ${join(t.dir, 'landing')}, archive_to: ${join(t.dir, 'arch')} }`));
    t.put('a.csv', 'x\n1\n');
    writeFileSync(join(t.dir, 'arch'), 'a file where the archive folder should be');
    const r = await t.run();
    expect(r.code).toBe(0);
    expect(r.summary).toMatchObject({ files_processed: 1, after_commit: { archived: 0, failed: 1 } });
    expect(r.summary.files).toEqual([expect.objectContaining({ status: 'committed', code: 'E_DISPOSE', reason: expect.stringMatching(/not archived/) })]);
    expect(existsSync(join(t.dir, 'landing', 'a.csv'))).toBe(true);
    rmrf(join(t.dir, 'arch'));
    const again = await t.run();
    expect(again.summary).toMatchObject({ files_processed: 0, after_commit: { archived: 1, failed: 0 } });
    expect(readFileSync(join(t.dir, 'arch', 'a.csv'), 'utf8')).toBe('x\n1\n');
  });

  it('config: archive needs archive_to; archive_to may not be the landing or above it', async () => {
    const t = setup('', `  - { id: day, pattern: "**/*.csv", after_commit: archive }`);
    const r = await t.run();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/after_commit: archive, but source.archive_to is not set/);
    writeFileSync(t.config, readFileSync(t.config, 'utf8').replace(`path: ${join(t.dir, 'landing')} }`, `path: ${join(t.dir, 'landing')}, archive_to: ${t.dir} }`));
    const above = await t.run();
    expect(above.code).toBe(2);
    expect(above.stderr).toMatch(/archive_to is the landing folder or a folder above it/);
  });
});

describe('audit log and archive on S3 (s3rver)', () => {
  const BUCKET = 'audit-bucket';
  const s3 = useS3rver([BUCKET]);

  it('one object per run under the audit prefix; landed objects archived under archive_to', async () => {
    const dir = tempDir('tc-audit-s3-');
    dirs.push(dir);
    const conn = `bucket: ${BUCKET}, endpoint: "${s3.s3.endpoint}", force_path_style: true, allow_http_for_local_development: true`;
    writeFileSync(
      join(dir, 'c.yaml'),
      `tenant_id: t1
connector_id: c1
source: { type: s3, ${conn}, prefix: landing/, archive_to: archive/ }
streams:
  - { id: day, pattern: "**/*.csv", after_commit: archive }
state: { type: s3, ${conn}, prefix: state/ }
sink: { type: s3, ${conn}, prefix: out/ }
log_level: warn
`,
    );
    await s3.admin.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'landing/2026/a.csv', Body: 'a,b\n1,2\n' }));
    const r = await cli(['run', '--config', join(dir, 'c.yaml')], { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
    expect(r.code).toBe(0);
    expect(r.summary.after_commit).toEqual({ archived: 1, deleted: 0, failed: 0 });
    const keys = ((await s3.admin.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key!);
    expect(keys).toContain('archive/2026/a.csv');
    expect(keys).not.toContain('landing/2026/a.csv');
    const auditKey = keys.find((k) => k.startsWith('state/audit/date='));
    expect(auditKey).toMatch(new RegExp(`^state/audit/date=\\d{4}-\\d\\d-\\d\\d/${r.summary.run_id}\\.ndjson$`));
    const body = await (await s3.admin.send(new GetObjectCommand({ Bucket: BUCKET, Key: auditKey! }))).Body!.transformToString();
    const v = validatorFor('audit.schema.json');
    const lines = body.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    for (const l of lines) expect(v(l), JSON.stringify(v.errors)).toBe(true);
    expect(lines.map((l) => l.outcome ?? l.event)).toEqual(['run_start', 'committed', 'archived', 'run_end']);
    expect(body).not.toContain('S3RVER');
  });
});

