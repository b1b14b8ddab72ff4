import { ConnectorError, EXIT_CODES } from '../errors.js';
import { executeRun, type RunSummary } from '../run/run.js';
import { onlyKeys, parseShard, type Selection } from '../run/selection.js';
import { RunHistory } from '../../state/run-history.js';
import { loadPriorState } from '../run/prior-state.js';
import { EXIT_TABLE, parse, requireConfig, withRuntime, type CliIO, type Command } from './_shared.js';

const RUN_HELP = `Usage: tally-connector run --config FILE [--only KEY ...] [--only-env NAME] [--shard I/N]

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
                  these at once to spread a backfill over processes or machines (one process
                  already parses on every core it has: see workers in the config)
  --help          this text

${EXIT_TABLE}`;

const OPTIONS = { state: { type: 'string' }, only: { type: 'string', multiple: true }, 'only-env': { type: 'string' }, shard: { type: 'string' } } as const;

/** `run` and `read`: the same ingestion, with state written (run) or proposed as messages (read). */
export async function ingest(cmd: 'run' | 'read', args: string[], io: CliIO, help: string): Promise<number> {
  const { values } = parse(cmd, args, OPTIONS);
  const selection: Selection = {};
  if (typeof values.shard === 'string') selection.shard = parseShard(cmd, values.shard);
  if (values.help) {
    io.stdout.write(help + '\n');
    return EXIT_CODES.OK;
  }
  if (cmd === 'run' && values.state) throw new ConnectorError('E_USAGE', 'run: --state is for read; run uses the state registry of the config');
  const config = requireConfig(cmd, values);
  if (values.only || values['only-env']) selection.onlyKeys = onlyKeys(values.only as string[] | undefined, values['only-env'] as string | undefined, io.env, config);
  const summary: RunSummary = await withRuntime(config, io, async (rt) => {
    const prior = cmd === 'read' && typeof values.state === 'string' ? await loadPriorState(values.state, config) : undefined;
    const s = await executeRun(rt, {
      mode: cmd,
      stdout: io.stdout,
      selection,
      ...(prior ? { priorState: prior } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
    });
    // The run's summary joins the registry's bounded history (`state runs`); read writes no state.
    if (cmd === 'run' && s.status !== 'state_unavailable') {
      await new RunHistory(rt.state.store, config.tenant_id, config.connector_id)
        .append(s)
        .catch((e) => io.stderr.write(`tally-connector: the run summary could not be kept in the state registry: ${(e as Error).message}\n`));
    }
    return s;
  });
  const line = cmd === 'read' ? { type: 'SUMMARY', ...summary } : summary;
  io.stdout.write(JSON.stringify(line) + '\n');
  if (summary.error) io.stderr.write(`tally-connector: ${summary.error}\n`);
  return summary.exit_code;
}

export const runCommand: Command = {
  name: 'run',
  synopsis: '--config FILE',
  summary: 'ingest new files: envelopes to the sink, checkpoints to the state registry',
  help: RUN_HELP,
  run: (args, io) => ingest('run', args, io, RUN_HELP),
};

