#!/usr/bin/env node
// Import rules for connector/ and state/, checked by `make test`:
//   1. no import cycles (static, type-only and dynamic imports all count: a cycle is a design knot
//      whether or not it bites at load time);
//   2. state/ (the registries) never imports connector/: the connector builds on the registries,
//      never the other way round.
// Usage: node scripts/check-deps.mjs [root]   (exit 1 and a list of the problems when a rule fails)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const DIRS = ['connector', 'state'];

function walk(dir, out) {
  if (!existsSync(dir)) return out;
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

// import x from '…' · import type { X } from '…' · export { x } from '…' · import '…' · import('…')
const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Relative imports of a file, resolved to project files (`./x.js` → `x.ts`). */
export function importsOf(file, text) {
  const out = [];
  const src = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const m of src.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    if (!spec || !spec.startsWith('.')) continue;
    let target = resolve(dirname(file), spec);
    if (target.endsWith('.js')) target = target.slice(0, -3) + '.ts';
    else if (!target.endsWith('.ts')) target = existsSync(target + '.ts') ? target + '.ts' : join(target, 'index.ts');
    out.push(target);
  }
  return out;
}

export function check(rootDir) {
  const files = DIRS.flatMap((d) => walk(join(rootDir, d), []));
  const graph = new Map();
  const problems = [];
  for (const f of files) {
    const deps = importsOf(f, readFileSync(f, 'utf8'));
    graph.set(f, deps);
    const rel = relative(rootDir, f);
    for (const d of deps) {
      const drel = relative(rootDir, d);
      if (rel.startsWith('state/') && drel.startsWith('connector/')) problems.push(`layering: ${rel} imports ${drel} (state/ must not import connector/)`);
      if (!existsSync(d)) problems.push(`missing: ${rel} imports ${drel}, which does not exist`);
    }
  }
  // Tarjan's strongly connected components: every component with more than one file (or a
  // self-import) is a cycle.
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const sccs = [];
  const strong = (v) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) sccs.push(comp);
    }
  };
  for (const f of graph.keys()) if (!idx.has(f)) strong(f);
  for (const comp of sccs) {
    const names = comp.map((f) => relative(rootDir, f)).sort();
    // One concrete loop through the component, for the message.
    const inComp = new Set(comp);
    const start = comp.sort()[0];
    const path = [start];
    const seen = new Set([start]);
    let cur = start;
    for (;;) {
      const next = (graph.get(cur) ?? []).find((d) => inComp.has(d) && (d === start || !seen.has(d)));
      if (!next) break;
      path.push(next);
      if (next === start) break;
      seen.add(next);
      cur = next;
    }
    problems.push(`cycle among ${names.length} file(s): ${path.map((f) => relative(rootDir, f)).join(' → ')}${names.length > path.length - 1 ? ` (component: ${names.join(', ')})` : ''}`);
  }
  return { files: files.length, problems };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { files, problems } = check(root);
  if (problems.length) {
    process.stderr.write(`check-deps: ${problems.length} problem(s) in ${DIRS.join('/, ')}/:\n${problems.map((p) => '  - ' + p).join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write(`check-deps: ${files} files in ${DIRS.join('/ and ')}/, no import cycles, state/ does not import connector/\n`);
}
