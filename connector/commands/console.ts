import { EXIT_CODES, ConnectorError } from '../errors.js';
import { startConsole } from '../console/server.js';
import { loggerFor, parse, requireConfig, withRuntime, type Command } from './_shared.js';

const HELP = `Usage: tally-connector console --config FILE [--port N] [--host ADDRESS]

Serves the review console, a small web app over the state and schema registries: open and recent
drift alerts with the diff of their changes and sample offending values, accept and reject buttons
(the same as "drift accept|reject"), each entity's schema versions and what changed between them,
recent runs with the files that need attention, and per-stream state (committed, failed,
quarantined, refused and pending files, last checkpoint).

It listens on 127.0.0.1 and prints its address once, with a random token: open that address; a
request without the token is refused. Pages have no scripts and load nothing from elsewhere.
File names are shown hashed unless privacy.clear_names is on. Stop it with Ctrl-C (SIGINT) or SIGTERM.

Options:
  --config FILE    YAML or JSON config
  --port N         port to listen on (default 8417; 0 picks a free one)
  --host ADDRESS   listen on another interface (default 127.0.0.1). Anyone who can reach it and
                   has the token can accept alerts: use only on a trusted network.`;

export const consoleCommand: Command = {
  name: 'console',
  synopsis: '--config FILE [--port N]',
  summary: 'serve the review console (drift alerts, schemas, runs, state) on 127.0.0.1',
  help: HELP,
  async run(args, io) {
    const { values } = parse('console', args, { port: { type: 'string' }, host: { type: 'string' } });
    if (values.help) {
      io.stdout.write(HELP + '\n');
      return EXIT_CODES.OK;
    }
    const config = requireConfig('console', values);
    const port = typeof values.port === 'string' ? Number(values.port) : 8417;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConnectorError('E_USAGE', `console: --port must be a port number, got ${String(values.port)}`);
    const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
    const log = loggerFor(config, io, 'info');
    if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost') {
      io.stderr.write(`tally-connector console: WARNING: listening on ${host}, not only on this machine. Anyone who can reach it with the token can accept or reject drift alerts.\n`);
    }
    return withRuntime(
      config,
      io,
      async (rt) => {
        const c = await startConsole(rt, { host, port });
        io.stdout.write(`Review console for ${config.tenant_id} / ${config.connector_id}: ${c.url}\n(open this address; the token in it is printed only now. Ctrl-C stops the console.)\n`);
        await new Promise<void>((resolve) => {
          if (io.signal) {
            if (io.signal.aborted) return resolve();
            io.signal.addEventListener('abort', () => resolve(), { once: true });
          } else {
            process.once('SIGINT', () => resolve());
            process.once('SIGTERM', () => resolve());
          }
        });
        await c.close();
        return EXIT_CODES.OK;
      },
      log,
    );
  },
};
