import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, readOutputs, rmrf, tempDir, yamlConfig } from './helpers/index.js';

describe('listing a landing: every entry accounted for, each real file read once', () => {
  const dir = tempDir();
  afterAll(() => rmrf(dir));

  it('link loops end, links that leave the root and names that are not UTF-8 are reported as refused, and nothing is read twice', async () => {
    const landing = join(dir, 'landing');
    mkdirSync(join(landing, 'sub'), { recursive: true });
    mkdirSync(join(dir, 'outside'));
    writeFileSync(join(dir, 'outside', 'secret.csv'), 'a\nsecret\n');
    writeFileSync(join(landing, 'a.csv'), 'a,b\n1,2\n');
    writeFileSync(join(landing, 'sub', 'b.csv'), 'a,b\n3,4\n');
    symlinkSync('.', join(landing, 'self')); // a loop: self/self/self/...
    symlinkSync('..', join(landing, 'sub', 'up')); // a loop through the parent
    symlinkSync(join(landing, 'a.csv'), join(landing, 'again.csv')); // the same real file under another name
    symlinkSync(join(dir, 'outside', 'secret.csv'), join(landing, 'escape.csv'));
    symlinkSync(join(dir, 'outside'), join(landing, 'escape-dir'));
    // A file name in Windows-1252 bytes (`café.csv`): not valid UTF-8.
    writeFileSync(Buffer.concat([Buffer.from(join(landing, 'caf')), Buffer.from([0xe9]), Buffer.from('.csv')]), 'a,b\n5,6\n');
    writeFileSync(join(dir, 'c.yaml'), yamlConfig(dir, 'privacy: { clear_names: true }'));

    const r = await cli(['run', '--config', join(dir, 'c.yaml')]);
    expect(r.code).toBe(4);
    expect(r.summary).toMatchObject({ files_processed: 2, files_refused: 3, rows_emitted: 2 });
    expect(r.summary.files_discovered).toBe(r.summary.files_processed + r.summary.files_skipped + r.summary.files_failed + r.summary.files_refused + r.summary.files_quarantined + r.summary.files_pending);
    const refused = r.summary.files.filter((f: any) => f.status === 'refused').map((f: any) => [f.path, f.code]).sort();
    expect(refused).toEqual([
      ['caf\ufffd.csv', 'E_NAME_ENCODING'],
      ['escape-dir', 'E_LINK_OUTSIDE'],
      ['escape.csv', 'E_LINK_OUTSIDE'],
    ]);
    const rows = readOutputs(join(dir, 'out')).map((e) => e.record);
    expect(rows).toEqual(expect.arrayContaining([{ a: '1', b: '2' }, { a: '3', b: '4' }]));
    expect(rows).toHaveLength(2);
    // Refused entries are recorded: the next run skips them until they change.
    const again = await cli(['run', '--config', join(dir, 'c.yaml')]);
    expect(again.code).toBe(0);
    expect(again.summary).toMatchObject({ files_processed: 0, files_refused: 0, files_skipped: 5 });
  });
});
