import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, type Config } from './config.js';
import { ConnectorError, EXIT_CODES, errorMessage, isConnectorError } from './errors.js';
import { createLogger, type Logger } from './log.js';
import { executeRun, type RunSummary } from './run/run.js';
import { createRuntime, type Runtime } from './run/runtime.js';
import { loadPriorState } from './run/prior-state.js';
import { planRun } from './run/plan.js';
import { loadSchema, projectRoot } from './schemas.js';
import { describeError } from './run/ingest-file.js';
import { runCheck } from './run/check.js';
import { driftCommand, createDriftCoordinator } from './drift/cli.js';
import { stateCommand } from './run/state-cli.js';
import { join } from 'node:path';

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM by the bin; tests may pass their own. */
  signal?: AbortSignal;
  /** TTY colours for `drift show`. */
  color?: boolean;
}

const EXIT_TABLE = `Exit codes:
  0    every discovered file was processed, skipped as already committed, or left pending
  1    internal error (a bug); the message is on stderr
  2    bad command line or config; nothing was read
  3    a stream with drift policy "fail" saw drift; the run stopped
  4    partial: some files failed or were refused (the summary lists them); the others were delivered
  5    the landing could not be listed (unreachable, credentials, missing bucket or folder)
  6    the state registry could not be read or written
  130  interrupted (SIGINT/SIGTERM); files in flight were not committed and will be read again`;

const HELP: Record<string, string> = {
  main: `tally-connector: ingest Tally ERP exports (XML, CSV) from S3, SFTP or a local folder.

Usage: tally-connector <command> [options]

Commands:
  run     --config FILE          ingest new files: envelopes to the sink, checkpoints to the state registry
  read    --config FILE [--state FILE]
                                 the pure connector: envelopes, checkpoints, drift alerts as messages on
                                 stdout; writes no state
  plan    --config FILE          show what a run would do with each file, without reading any
  check   --config FILE          verify the landing: connect, list, open one matching file
  drift   list|show|accept|reject  review schema drift alerts
  state   ls|show|forget         inspect the state registry; forget a file so it is read again
  spec                           print the config JSON Schema

Run "tally-connector <command> --help" for the options of a command.

${EXIT_TABLE}`,
  run: `Usage: tally-connector run --config FILE [--only KEY ...] [--only-env NAME] [--shard I/N]

Lists the landing, reads every file that is new or changed (path + sha256), writes its envelopes to
the sink (one output file per input file, appearing atomically), and commits the file's checkpoint
in the state registry only after that. Files already committed are skipped; a file that fails is
recorded with the reason and the run goes on with the others.

Logs (JSON lines) go to stderr. The last line of stdout is the run summary (JSON):
files_discovered, files_processed, files_skipped, files_failed, files_refused, files_quarantined,
files_pending, rows_emitted, rows_rejected, bytes_read, drift_alerts, duration_ms, and the files
that need attention.

Options:
  --config FILE   YAML or JSON config (see examples/local.yaml, schemas/config.schema.json)
  --only KEY      only this landing path (repeatable); for sharded workers and targeted re-runs
  --only-env NAME only the paths listed in environment variable NAME: a JSON array of paths, or of S3
                  listing items ({"Key": ...}, as a Step Functions Distributed Map batch passes them;
                  the source prefix is stripped)
  --shard I/N     only the files of shard I (0-based) of N, by a stable hash of the path: run N of
                  these at once to use more cores on a backfill (each process parses on one core)
  --help          this text

${EXIT_TABLE}`,
  read: `Usage: tally-connector read --config FILE [--state FILE]

The stateless connector: reads new files like "run", but writes no state. Everything goes to stdout
as one JSON message per line:
  {"type":"RECORD","record":<envelope>}
  {"type":"DEAD_LETTER","dead_letter":{...}}        a rejected row, with position and reason
  {"type":"DRIFT_ALERT","alert":{...}}               a schema drift alert
  {"type":"FILE_ERROR",...}                          a file that failed or was refused
  {"type":"CHECKPOINT","checkpoint":{...}}           after all records of a file: commit it to skip it next time
  {"type":"SUMMARY",...}                             last line
The orchestrator persists CHECKPOINT messages and passes them back with --state.

Options:
  --config FILE   YAML or JSON config
  --state FILE    committed files: the CHECKPOINT lines of earlier reads (NDJSON), or a JSON
                  document {"streams": {"<stream id>": {"files": {"<path>": {"sha256": ..., ...}}}}}
  --help          this text

${EXIT_TABLE}`,
  plan: `Usage: tally-connector plan --config FILE [--json]

Lists the landing and prints, per stream and file, what "run" would do: process (new or changed),
verify (same size, new time: checksum decides), skip (committed), pending (still being written),
refuse (a Tally backup or an archive), hold (quarantined by drift). Reads no file content.

Options:
  --config FILE   YAML or JSON config
  --json          one JSON object per line instead of a table`,
  check: `Usage: tally-connector check --config FILE

Verifies the landing step by step: connect (credentials, host key), list, find files matching the
streams, open one of them and read its first bytes. Prints each step and what failed.
Exit 0 when every step passed, 5 otherwise.`,
  spec: `Usage: tally-connector spec

Prints the JSON Schema of the config file.`,
};

const COMMON: ParseArgsConfig['options'] = {
  config: { type: 'string', short: 'c' },
  help: { type: 'boolean', short: 'h' },
};

function usage(io: CliIO, msg: string, cmd = 'main'): number {
  io.stderr.write(`tally-connector: ${msg}\n\n${HELP[cmd] ?? HELP['main']}\n`);
  return EXIT_CODES.CONFIG;
}

/** Entry point: returns the exit code; no process-wide side effects. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    io.stdout.write(HELP['main'] + '\n');
    return cmd ? EXIT_CODES.OK : EXIT_CODES.CONFIG;
  }
  if (cmd === '--version' || cmd === '-v') {
    const pkg = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string };
    io.stdout.write(pkg.version + '\n');
    return EXIT_CODES.OK;
  }
  try {
    switch (cmd) {
      case 'run':
      case 'read':
        return await runOrRead(cmd, rest, io);
      case 'plan':
        return await planCmd(rest, io);
      case 'check':
        return await checkCmd(rest, io);
      case 'drift':
        return await driftCommand(rest, io, (f) => loadConfig(f));
      case 'state':
        return await stateCommand(rest, io, (f) => loadConfig(f));
      case 'spec':
        if (rest.includes('--help') || rest.includes('-h')) {
          io.stdout.write(HELP['spec'] + '\n');
          return EXIT_CODES.OK;
        }
        io.stdout.write(JSON.stringify(loadSchema('config.schema.json'), null, 2) + '\n');
        return EXIT_CODES.OK;
      default:
        return usage(io, `unknown command "${cmd}"`);
    }
  } catch (e) {
    if (isConnectorError(e)) {
      io.stderr.write(`tally-connector: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}\n`);
      if (e.code === 'E_CONFIG' || e.code === 'E_USAGE') return EXIT_CODES.CONFIG;
      if (e.code === 'E_SOURCE') return EXIT_CODES.SOURCE_UNAVAILABLE;
      if (e.code === 'E_STATE') return EXIT_CODES.STATE_UNAVAILABLE;
      return EXIT_CODES.INTERNAL;
    }
    io.stderr.write(`tally-connector: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT_CODES.INTERNAL;
  }
}

export function parse(cmd: string, args: string[], extra: ParseArgsConfig['options'] = {}) {
  try {
    return parseArgs({ args, options: { ...COMMON, ...extra }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new ConnectorError('E_USAGE', `${cmd}: ${errorMessage(e)}`, { hint: `see tally-connector ${cmd} --help` });
  }
}

export function requireConfig(cmd: string, values: { config?: string | boolean | undefined }): string {
  if (typeof values.config !== 'string') throw new ConnectorError('E_USAGE', `${cmd}: --config FILE is required`, { hint: `see tally-connector ${cmd} --help` });
  return values.config;
}

async function withRuntime<T>(config: Config, io: CliIO, fn: (rt: Runtime, log: Logger) => Promise<T>): Promise<T> {
  const log = createLogger(io.env['LOG_LEVEL'] ?? config.log_level, io.stderr);
  const rt = await createRuntime(config, log, io.env);
  try {
    return await fn(rt, log);
  } finally {
    await rt.close();
  }
}

async function runOrRead(cmd: 'run' | 'read', args: string[], io: CliIO): Promise<number> {
  const { values } = parse(cmd, args, { state: { type: 'string' }, only: { type: 'string', multiple: true }, 'only-env': { type: 'string' }, shard: { type: 'string' } });
  let shard: { index: number; of: number } | undefined;
  if (typeof values.shard === 'string') {
    const m = /^(\d+)\/(\d+)$/.exec(values.shard);
    if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new ConnectorError('E_USAGE', `${cmd}: --shard must be I/N with 0 <= I < N, e.g. --shard 0/2`);
    shard = { index: Number(m[1]), of: Number(m[2]) };
  }
  if (values.help) {
    io.stdout.write(HELP[cmd] + '\n');
    return EXIT_CODES.OK;
  }
  if (cmd === 'run' && values.state) throw new ConnectorError('E_USAGE', 'run: --state is for read; run uses the state registry of the config');
  const config = loadConfig(requireConfig(cmd, values));
  const summary: RunSummary = await withRuntime(config, io, async (rt, log) => {
    const prior = cmd === 'read' && typeof values.state === 'string' ? await loadPriorState(values.state, config) : undefined;
    const drift = createDriftCoordinator(rt, log);
    return executeRun(rt, {
      mode: cmd,
      stdout: io.stdout,
      ...(prior ? { priorState: prior } : {}),
      ...(shard ? { shard } : {}),
      ...(values.only || values['only-env'] ? { onlyKeys: onlyKeys(values.only as string[] | undefined, values['only-env'] as string | undefined, io.env, config) } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
      ...(drift ? { drift } : {}),
    });
  });
  const line = cmd === 'read' ? { type: 'SUMMARY', ...summary } : summary;
  io.stdout.write(JSON.stringify(line) + '\n');
  if (summary.error) io.stderr.write(`tally-connector: ${summary.error}\n`);
  return summary.exit_code;
}

/**
 * The keys a sharded worker owns: --only values, plus a JSON array in an environment variable
 * (paths, or S3 listing items whose Key carries the source prefix).
 */
export function onlyKeys(only: string[] | undefined, envName: string | undefined, env: NodeJS.ProcessEnv, config: Config): Set<string> {
  const keys = new Set(only ?? []);
  if (envName === undefined) return keys;
  const raw = env[envName];
  if (raw === undefined) throw new ConnectorError('E_USAGE', `--only-env ${envName}: the variable is not set`);
  let items: unknown;
  try {
    items = JSON.parse(raw);
  } catch {
    throw new ConnectorError('E_USAGE', `--only-env ${envName}: not JSON; expected an array of paths or of {"Key": ...} items`);
  }
  const list = Array.isArray(items) ? items : items && typeof items === 'object' && Array.isArray((items as { Items?: unknown }).Items) ? (items as { Items: unknown[] }).Items : undefined;
  if (!list) throw new ConnectorError('E_USAGE', `--only-env ${envName}: expected a JSON array (or {"Items": [...]})`);
  const prefix = config.source.type === 's3' ? (config.source.prefix ?? '').replace(/^\/+/, '').replace(/([^/])$/, '$1/') : '';
  for (const it of list) {
    const k = typeof it === 'string' ? it : it && typeof it === 'object' && typeof (it as { Key?: unknown }).Key === 'string' ? (it as { Key: string }).Key : undefined;
    if (k === undefined) throw new ConnectorError('E_USAGE', `--only-env ${envName}: an item is neither a path nor {"Key": ...}`);
    keys.add(prefix && k.startsWith(prefix) ? k.slice(prefix.length) : k);
  }
  return keys;
}

async function planCmd(args: string[], io: CliIO): Promise<number> {
  const { values } = parse('plan', args, { json: { type: 'boolean' } });
  if (values.help) {
    io.stdout.write(HELP['plan'] + '\n');
    return EXIT_CODES.OK;
  }
  const config = loadConfig(requireConfig('plan', values));
  return withRuntime(config, io, async (rt) => {
    const drift = createDriftCoordinator(rt, rt.log);
    let items;
    try {
      await drift.init(config.streams);
      items = await planRun(rt.source, config.streams, (id) => rt.state.loadStream(id), drift ? { isHeld: (s, e) => drift.holdStatus(s, e) } : {});
    } catch (e) {
      if (isConnectorError(e)) {
        io.stderr.write(`tally-connector: ${describeError(e)}\n`);
        return e.code === 'E_STATE' ? EXIT_CODES.STATE_UNAVAILABLE : EXIT_CODES.SOURCE_UNAVAILABLE;
      }
      throw e;
    }
    const clear = config.privacy.clear_names;
    const rows = items.map((i) => ({
      stream_id: i.stream_id,
      file_id: rt.fileId(i.file.uri),
      ...(clear ? { path: i.file.key } : {}),
      action: i.action,
      reason: i.reason,
      size: i.file.size,
      modified: new Date(i.file.mtimeMs).toISOString(),
    }));
    if (values.json) {
      for (const r of rows) io.stdout.write(JSON.stringify(r) + '\n');
    } else {
      const counts: Record<string, number> = {};
      for (const r of rows) counts[r.action] = (counts[r.action] ?? 0) + 1;
      io.stdout.write(`${'ACTION'.padEnd(8)} ${'STREAM'.padEnd(28)} ${(clear ? 'PATH' : 'FILE ID').padEnd(40)} REASON\n`);
      for (const r of rows) io.stdout.write(`${r.action.padEnd(8)} ${r.stream_id.padEnd(28)} ${(r.path ?? r.file_id).padEnd(40)} ${r.reason}\n`);
      io.stdout.write(`\n${rows.length} file(s): ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}\n`);
    }
    return EXIT_CODES.OK;
  });
}

async function checkCmd(args: string[], io: CliIO): Promise<number> {
  const { values } = parse('check', args);
  if (values.help) {
    io.stdout.write(HELP['check'] + '\n');
    return EXIT_CODES.OK;
  }
  const config = loadConfig(requireConfig('check', values));
  const log = createLogger(io.env['LOG_LEVEL'] ?? 'warn', io.stderr);
  return runCheck(config, log, io);
}
