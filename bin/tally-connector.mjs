#!/usr/bin/env node
import { existsSync } from 'node:fs';

const entry = new URL('../dist/connector/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('tally-connector: the TypeScript build is missing (dist/). Run `make build` (or `npm ci`, which builds) first.\n');
  process.exit(1);
}
await import(entry.href);
