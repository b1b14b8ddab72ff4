import { Writable } from 'node:stream';
import { once } from 'node:events';
import { configSchema } from '../config.js';
import { EXIT_CODES, ConnectorError, exitCodeFor, isConnectorError } from '../errors.js';
import { executeRun } from '../run/run.js';
import { discover } from '../airbyte/catalog.js';
import { AirbyteTranslator, planAirbyteRead } from '../airbyte/read.js';
import { PROTOCOL_VERSION, errorTraceFor, loadAirbyteState, loadConfiguredCatalog, statusTrace, writeMessage, type AirbyteMessage } from '../airbyte/protocol.js';
import { runCheck } from './check.js';
import { loggerFor, parse, requireConfig, subcommand, withRuntime, type CliIO, type Command } from './_shared.js';

const HELP = `Usage: tally-connector airbyte <spec|check|discover|read> [options]

The connector as an Airbyte source: every line of stdout is an Airbyte protocol message; logs go to
stderr. The config is the connector's own config (YAML or JSON); "airbyte spec" gives its schema as
the connectionSpecification.

  airbyte spec                                     SPEC
  airbyte check --config FILE                      CONNECTION_STATUS (connect, list, open one file)
  airbyte discover --config FILE                   CATALOG: one stream per Tally entity of each
                                                   configured stream (namespace = stream id,
                                                   name = entity), full_refresh and incremental,
                                                   primary key _tally_record_id
  airbyte read --config FILE --catalog FILE [--state FILE]
                                                   RECORD, STATE, LOG, TRACE

read: record data is the Tally record plus the envelope's metadata under _tally_* fields
(_tally_record_id, _tally_source, _tally_schema_version, ...). After each file's records comes a
GLOBAL STATE whose shared_state holds every committed file (path, sha256); a platform that passes the
last one back with --state gets only new or changed files. A stream whose selected entities are all
incremental skips committed files; one with a full_refresh entity reads every file again.
Nothing is written to the state registry. A file that fails sends no records and is logged; the
sync then ends with an error TRACE (config_error for bad landed data, transient_error for a
transport failure) and a non-zero exit, after the good files' records and states.

Exit codes are those of "tally-connector read" (see tally-connector --help); check exits 0 with
status FAILED when the landing cannot be reached, as the protocol asks.`;

const SUBS = ['spec', 'check', 'discover', 'read'] as const;

function emit(io: CliIO, msg: AirbyteMessage): Promise<void> {
  return writeMessage(io.stdout, msg);
}

function spec(): AirbyteMessage {
  return { type: 'SPEC', spec: { connectionSpecification: configSchema(), supportsIncremental: true, protocol_version: PROTOCOL_VERSION } };
}

async function check(rest: string[], io: CliIO): Promise<number> {
  const { values } = parse('airbyte check', rest);
  let message: string;
  let ok = false;
  try {
    const config = requireConfig('airbyte check', values);
    const lines: string[] = [];
    const capture = new Writable({
      write(c, _e, cb) {
        lines.push(...String(c).split('\n').filter(Boolean));
        cb();
      },
    });
    const code = await runCheck(config, loggerFor(config, io, 'warn'), { ...io, stdout: capture });
    ok = code === EXIT_CODES.OK;
    const failed = lines.filter((l) => l.startsWith('FAIL'));
    message = ok ? lines.map((l) => l.replace(/^ok\s+/, '')).join('; ') : failed.map((l) => l.replace(/^FAIL\s+/, '')).join('; ');
  } catch (e) {
    message = isConnectorError(e) ? `${e.message}${e.hint ? ` (${e.hint})` : ''}` : String(e);
  }
  await emit(io, { type: 'CONNECTION_STATUS', connectionStatus: { status: ok ? 'SUCCEEDED' : 'FAILED', message } });
  return EXIT_CODES.OK;
}

async function discoverCmd(rest: string[], io: CliIO): Promise<number> {
  const { values } = parse('airbyte discover', rest);
  const config = requireConfig('airbyte discover', values);
  const log = loggerFor(config, io, 'warn');
  const streams = await withRuntime(config, io, (rt) => discover(config, rt.source, rt.schemaStore, log), log);
  await emit(io, { type: 'CATALOG', catalog: { streams } });
  return EXIT_CODES.OK;
}

async function read(rest: string[], io: CliIO): Promise<number> {
  const { values } = parse('airbyte read', rest, { catalog: { type: 'string' }, state: { type: 'string' } });
  const config = requireConfig('airbyte read', values);
  if (typeof values.catalog !== 'string') throw new ConnectorError('E_USAGE', 'airbyte read: --catalog FILE is required (the configured catalog)', { hint: 'see tally-connector airbyte --help' });
  const catalog = await loadConfiguredCatalog(values.catalog);
  const prior = typeof values.state === 'string' ? await loadAirbyteState(values.state, config) : new Map();
  const plan = planAirbyteRead(config, catalog, prior);
  const tr = new AirbyteTranslator(io.stdout, config, plan, prior);
  for (const d of tr.descriptors()) await tr.send(statusTrace(d, 'STARTED'));
  const summary = await withRuntime(plan.config, io, (rt) =>
    executeRun(rt, { mode: 'read', stdout: tr, priorState: plan.skip, ...(io.signal ? { signal: io.signal } : {}) }),
  );
  tr.end(JSON.stringify({ type: 'SUMMARY', ...summary }) + '\n');
  await once(tr, 'finish');
  // The last state, also when no file was new: the platform keeps what it has either way.
  await tr.send(tr.stateMessage());
  for (const m of tr.closing(summary)) await tr.send(m);
  return summary.exit_code;
}

export const airbyteCommand: Command = {
  name: 'airbyte',
  synopsis: '<spec|check|discover|read>',
  summary: 'the connector as an Airbyte source (protocol messages on stdout)',
  help: HELP,
  async run(args, io) {
    const { sub, rest } = subcommand(args);
    if (!sub || rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(HELP + '\n');
      return sub || args.length ? EXIT_CODES.OK : EXIT_CODES.CONFIG;
    }
    if (!(SUBS as readonly string[]).includes(sub)) {
      await emit(io, errorTraceFor(new ConnectorError('E_USAGE', `airbyte: unknown subcommand "${sub}"; expected one of ${SUBS.join(', ')}`)));
      return EXIT_CODES.CONFIG;
    }
    try {
      if (sub === 'spec') {
        await emit(io, spec());
        return EXIT_CODES.OK;
      }
      if (sub === 'check') return await check(rest, io);
      if (sub === 'discover') return await discoverCmd(rest, io);
      return await read(rest, io);
    } catch (e) {
      // Everything the platform should see goes to stdout as a message; stderr keeps the detail.
      await emit(io, errorTraceFor(e));
      io.stderr.write(`tally-connector: ${e instanceof Error ? e.message : String(e)}\n`);
      return isConnectorError(e) ? exitCodeFor(e) : EXIT_CODES.INTERNAL;
    }
  },
};
