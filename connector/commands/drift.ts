import { ConnectorError, EXIT_CODES } from '../errors.js';
import { silentLogger } from '../log.js';
import { createDocStore } from '../run/runtime.js';
import { SchemaRegistry } from '../../state/schema-registry.js';
import { acceptAlert, rejectAlert } from '../drift/review.js';
import { toJsonSchema } from '../drift/json-schema.js';
import { renderAlert } from '../drift/render.js';
import type { DriftAlert } from '../drift/types.js';
import { parse, requireConfig, subcommand, type CliIO, type Command } from './_shared.js';

const HELP = `Usage: tally-connector drift <list|show|accept|reject> --config FILE [options]

  list    [--status open|evolved|accepted|rejected] [--stream ID] [--json]
          the alerts, newest last
  show    ID [--json]
          one alert: the file, the registered version, and every change with before and after
  accept  ID
          register the file's shape as the entity's next schema version; a quarantined file is
          ingested on the next run
  reject  ID
          close the alert; the quarantined file stays refused until its bytes change

Severity: compatible (a reader of the old schema still works: new fields, new entities, widening
such as integer → decimal, user-defined fields) or breaking (a required field removed, a value the
old type cannot hold, a required field turning null). Each stream's policy (config drift.compatible
and drift.breaking: evolve | alert | quarantine | fail) decides what happens to the file.`;

export const driftCommand: Command = {
  name: 'drift',
  synopsis: 'list|show|accept|reject',
  summary: 'review schema drift alerts',
  help: HELP,
  run: drift,
};

async function drift(args: string[], io: CliIO): Promise<number> {
  const { sub, rest } = subcommand(args);
  if (!sub) {
    io.stdout.write(HELP + '\n');
    return args.length ? EXIT_CODES.OK : EXIT_CODES.CONFIG;
  }
  const { values, positionals } = parse('drift', rest, { status: { type: 'string' }, stream: { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) {
    io.stdout.write(HELP + '\n');
    return EXIT_CODES.OK;
  }
  const config = requireConfig('drift', values);
  const store = await createDocStore(config.schema_registry, silentLogger, io.env, io.deps);
  const registry = new SchemaRegistry(store, config.tenant_id, toJsonSchema);
  const color = Boolean(io.color);
  const c = (code: number, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  try {
    switch (sub) {
      case 'list': {
        let alerts = await registry.alerts();
        if (typeof values.status === 'string') alerts = alerts.filter((a) => a.status === values.status);
        if (typeof values.stream === 'string') alerts = alerts.filter((a) => a.stream_id === values.stream);
        if (values.json) {
          for (const a of alerts) io.stdout.write(JSON.stringify(a) + '\n');
          return EXIT_CODES.OK;
        }
        if (!alerts.length) {
          io.stdout.write('no drift alerts\n');
          return EXIT_CODES.OK;
        }
        io.stdout.write(`${'ID'.padEnd(19)} ${'STATUS'.padEnd(9)} ${'SEVERITY'.padEnd(10)} ${'STREAM'.padEnd(24)} ${'ENTITY'.padEnd(30)} ${'CHANGES'.padEnd(8)} CREATED\n`);
        for (const a of alerts) {
          const sev = a.severity === 'breaking' ? c(31, a.severity.padEnd(10)) : c(33, a.severity.padEnd(10));
          io.stdout.write(`${a.id.padEnd(19)} ${a.status.padEnd(9)} ${sev} ${a.stream_id.padEnd(24)} ${(a.kind === 'entity_added' ? '+' + a.entity : a.entity).padEnd(30)} ${String(a.changes.length).padEnd(8)} ${a.created_at}\n`);
        }
        return EXIT_CODES.OK;
      }
      case 'show': {
        const a = await need(registry, positionals[0]);
        if (values.json) {
          io.stdout.write(JSON.stringify(a, null, 2) + '\n');
          return EXIT_CODES.OK;
        }
        io.stdout.write(renderAlert(a, c) + '\n');
        return EXIT_CODES.OK;
      }
      case 'accept': {
        io.stdout.write((await acceptAlert(registry, positionals[0])).message + '\n');
        return EXIT_CODES.OK;
      }
      case 'reject': {
        io.stdout.write((await rejectAlert(registry, positionals[0])).message + '\n');
        return EXIT_CODES.OK;
      }
      default:
        throw new ConnectorError('E_USAGE', `drift: unknown subcommand "${sub}"`, { hint: 'use list, show, accept or reject' });
    }
  } finally {
    await store.close();
  }
}

async function need(registry: SchemaRegistry, id: string | undefined): Promise<DriftAlert> {
  if (!id) throw new ConnectorError('E_USAGE', 'drift: the alert id is required (see `drift list`)');
  const a = await registry.getAlert(id);
  if (!a) throw new ConnectorError('E_USAGE', `drift: no alert ${id} (see \`drift list\`)`);
  return a;
}

