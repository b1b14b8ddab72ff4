#!/usr/bin/env node
// Writes schemas/config.schema.json from the components' own fragments (connector/config-schema.ts).
// Run by `make schemas` after a component's fields change; test/config.test.ts fails while the
// committed file differs from what the code assembles.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { buildConfigSchema } = await import(join(root, 'dist', 'connector', 'config-schema.js'));
const out = join(root, 'schemas', 'config.schema.json');
writeFileSync(out, JSON.stringify(buildConfigSchema(), null, 2) + '\n');
process.stdout.write(`wrote ${out}\n`);
