import { ConnectorError, EXIT_CODES } from '../errors.js';
import { silentLogger } from '../log.js';
import { createRuntime } from '../run/runtime.js';
import type { FileEntry } from '../../state/types.js';
import { ChangeIndex } from '../../state/change-index.js';
import { RunHistory } from '../../state/run-history.js';
import { parse, requireConfig, subcommand, type CliIO, type Command } from './_shared.js';

const HELP = `Usage: tally-connector state <ls|show|runs|key|forget> --config FILE [options]

  ls      --config FILE                           streams with their files by status and last checkpoint
  show    --config FILE --stream ID [--path P]    the state documents of a stream (or one file), as JSON;
                                                  paths are hidden (file ids shown) unless privacy.clear_names
  runs    --config FILE [--limit N]               the summaries of recent runs (newest first, default 20;
                                                  the registry keeps the last 500), one JSON line each
  key     --config FILE --stream ID --key GUID    change capture: a key's entry in the key index (per company
                                                  scope and entity): its ALTERID, content hash, record id,
                                                  deleted or not, and its history (the files, by id, that
                                                  changed it, with the ALTERID each brought)
  forget  --config FILE --stream ID --path P      drop one file's entry so the next run reads it again
                                                  (how an operator retries a failed or refused file)

Paths are landing paths relative to the root (see "tally-connector plan").`;

export const stateCommand: Command = {
  name: 'state',
  synopsis: 'ls|show|runs|key|forget',
  summary: 'inspect the state registry; forget a file so it is read again',
  help: HELP,
  run: state,
};

async function state(args: string[], io: CliIO): Promise<number> {
  const { sub, rest } = subcommand(args);
  if (!sub) {
    io.stdout.write(HELP + '\n');
    return args.length ? EXIT_CODES.OK : EXIT_CODES.CONFIG;
  }
  const { values } = parse('state', rest, { stream: { type: 'string' }, path: { type: 'string' }, key: { type: 'string' }, limit: { type: 'string' } });
  if (values.help) {
    io.stdout.write(HELP + '\n');
    return EXIT_CODES.OK;
  }
  const config = requireConfig('state', values);
  const rt = await createRuntime(config, silentLogger, io.env, io.deps);
  const clear = config.privacy.clear_names;
  /** A file's entry as shown: its path and URI only with clear names (they can carry identifiers). */
  const shown = (e: FileEntry): FileEntry => (clear ? e : { ...e, path: `(hidden: ${e.file_id})`, uri: `(hidden: ${e.file_id})` });
  try {
    switch (sub) {
      case 'ls': {
        const ids = await rt.state.streams();
        if (!ids.length) io.stdout.write('no state yet\n');
        for (const id of ids) {
          const st = await rt.state.loadStream(id);
          const by: Record<string, number> = {};
          for (const f of st.files.values()) by[f.status] = (by[f.status] ?? 0) + 1;
          io.stdout.write(`${id}: ${st.files.size} file(s) ${JSON.stringify(by)} last_checkpoint=${config.privacy.clear_names ? (st.doc?.last_checkpoint ?? '-') : st.doc?.last_checkpoint ? '(hidden; privacy.clear_names is off)' : '-'}\n`);
        }
        return EXIT_CODES.OK;
      }
      case 'show': {
        if (typeof values.stream !== 'string') throw new ConnectorError('E_USAGE', 'state show: --stream is required');
        if (typeof values.path === 'string') {
          const e = await rt.state.getFile(values.stream, values.path);
          if (!e) {
            io.stderr.write(`no state for ${values.path} in stream ${values.stream}\n`);
            return EXIT_CODES.CONFIG;
          }
          io.stdout.write(JSON.stringify(shown(e), null, 2) + '\n');
          return EXIT_CODES.OK;
        }
        const st = await rt.state.loadStream(values.stream);
        const doc = st.doc && !clear ? { ...st.doc, last_checkpoint: st.doc.last_checkpoint ? '(hidden; privacy.clear_names is off)' : null } : (st.doc ?? null);
        io.stdout.write(JSON.stringify({ stream: doc, files: [...st.files.values()].map(shown) }, null, 2) + '\n');
        return EXIT_CODES.OK;
      }
      case 'runs': {
        const limit = typeof values.limit === 'string' ? Number(values.limit) : 20;
        if (!Number.isInteger(limit) || limit < 1) throw new ConnectorError('E_USAGE', 'state runs: --limit must be a positive integer');
        const runs = await new RunHistory(rt.state.store, config.tenant_id, config.connector_id).recent(limit);
        if (!runs.length) io.stdout.write('no runs recorded yet\n');
        for (const r of runs) io.stdout.write(JSON.stringify(r) + '\n');
        return EXIT_CODES.OK;
      }
      case 'key': {
        if (typeof values.stream !== 'string' || typeof values.key !== 'string') throw new ConnectorError('E_USAGE', 'state key: --stream and --key are required');
        const found = await new ChangeIndex(rt.state.store, config.tenant_id, config.connector_id).find(values.stream, values.key);
        if (!found.length) {
          io.stderr.write(`the key index of stream ${values.stream} has no key ${values.key} (is change capture on for it?)\n`);
          return EXIT_CODES.CONFIG;
        }
        const view = found.map(({ scope, entity, entry }) => ({
          scope,
          entity,
          alterid: entry.a,
          deleted: entry.d === true,
          content_hash: entry.h,
          record_id: entry.r,
          ...(entry.dt ? { date: entry.dt } : {}),
          history: (entry.hist ?? []).map(([generation, alterid, what]) => ({ file_id: generation.split('.')[0], sha256_prefix: generation.split('.')[1], alterid, change: what })),
        }));
        io.stdout.write(JSON.stringify(view, null, 2) + '\n');
        return EXIT_CODES.OK;
      }
      case 'forget': {
        if (typeof values.stream !== 'string' || typeof values.path !== 'string') throw new ConnectorError('E_USAGE', 'state forget: --stream and --path are required');
        const e = await rt.state.getFile(values.stream, values.path);
        if (!e) {
          io.stderr.write(`no state for ${values.path} in stream ${values.stream}\n`);
          return EXIT_CODES.CONFIG;
        }
        await rt.state.deleteFile(values.stream, values.path);
        io.stdout.write(`forgot ${values.path} (${e.status}); the next run reads it again\n`);
        return EXIT_CODES.OK;
      }
      default:
        throw new ConnectorError('E_USAGE', `state: unknown subcommand "${sub}"`, { hint: 'use ls, show, runs, key or forget' });
    }
  } finally {
    await rt.close();
  }
}
