#!/usr/bin/env node
// Writes schemas/config.schema.json from the components' own fragments (connector/config-schema.ts),
// and schemas/config.validate.cjs, its validators precompiled (connector/config-validate.ts). Run by
// `make schemas` after a component's fields change; test/config.test.ts fails while a committed
// file differs from what the code assembles.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { buildConfigSchema } = await import(join(root, 'dist', 'connector', 'config-schema.js'));
const { configValidatorSource, VALIDATOR_FILE } = await import(join(root, 'dist', 'connector', 'config-validate.js'));
const schema = buildConfigSchema();
const out = join(root, 'schemas', 'config.schema.json');
writeFileSync(out, JSON.stringify(schema, null, 2) + '\n');
process.stdout.write(`wrote ${out}\n`);
const code = join(root, 'schemas', VALIDATOR_FILE);
writeFileSync(code, configValidatorSource(schema));
process.stdout.write(`wrote ${code}\n`);
