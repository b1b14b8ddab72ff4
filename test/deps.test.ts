import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, rmrf, tempDir } from './helpers/index.js';
// @ts-expect-error: a plain .mjs script without types
import { check } from '../scripts/check-deps.mjs';

describe('import rules (scripts/check-deps.mjs, run by make test)', () => {
  const dir = tempDir('tc-deps-');
  afterAll(() => rmrf(dir));

  it('the project has no import cycle in connector/ or state/, and state/ does not import connector/', () => {
    const r = check(ROOT) as { files: number; problems: string[] };
    expect(r.files).toBeGreaterThan(30);
    expect(r.problems).toEqual([]);
  });

  it('finds a cycle through static, type-only and dynamic imports, and a state/ → connector/ import', () => {
    mkdirSync(join(dir, 'connector', 'run'), { recursive: true });
    mkdirSync(join(dir, 'state'), { recursive: true });
    writeFileSync(join(dir, 'connector', 'a.ts'), "import { b } from './run/b.js';\nexport const a = b;\n");
    writeFileSync(join(dir, 'connector', 'run', 'b.ts'), "import type { C } from '../c.js';\nexport const b = 1;\n");
    writeFileSync(join(dir, 'connector', 'c.ts'), "export type C = number;\nexport async function load() { return import('./a.js'); }\n");
    writeFileSync(join(dir, 'connector', 'd.ts'), "// import './a.js' in a comment is not an import\nexport const d = 1;\n");
    writeFileSync(join(dir, 'state', 'reg.ts'), "import { d } from '../connector/d.js';\nexport const r = d;\n");
    const r = check(dir) as { problems: string[] };
    expect(r.problems.some((p) => /^cycle among 3 file\(s\): connector\/a\.ts → connector\/run\/b\.ts → connector\/c\.ts → connector\/a\.ts/.test(p))).toBe(true);
    expect(r.problems).toContain('layering: state/reg.ts imports connector/d.ts (state/ must not import connector/)');
    expect(r.problems).toHaveLength(2);
  });
});
