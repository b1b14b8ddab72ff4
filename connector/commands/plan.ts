import { EXIT_CODES, describeError, isConnectorError } from '../errors.js';
import { driftGateFor } from '../run/runtime.js';
import { planRun } from '../run/plan.js';
import { parse, requireConfig, withRuntime, type Command } from './_shared.js';

const HELP = `Usage: tally-connector plan --config FILE [--json]

Lists the landing and prints, per stream and file, what "run" would do: process (new or changed),
verify (same size, new time: checksum decides), skip (committed), pending (still being written),
refuse (a Tally backup or an archive), hold (quarantined by drift). Reads no file content.

Options:
  --config FILE   YAML or JSON config
  --json          one JSON object per line instead of a table`;

export const planCommand: Command = {
  name: 'plan',
  synopsis: '--config FILE',
  summary: 'show what a run would do with each file, without reading any',
  help: HELP,
  async run(args, io) {
    const { values } = parse('plan', args, { json: { type: 'boolean' } });
    if (values.help) {
      io.stdout.write(HELP + '\n');
      return EXIT_CODES.OK;
    }
    const config = requireConfig('plan', values);
    return withRuntime(config, io, async (rt) => {
      const drift = driftGateFor(rt);
      let items;
      try {
        await drift.init(config.streams);
        items = await planRun(rt.source, config.streams, (id) => rt.state.loadStream(id), { isHeld: (s, e) => drift.holdStatus(s, e) });
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
  },
};
