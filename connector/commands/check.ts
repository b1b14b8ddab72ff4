import type { Config } from '../config.js';
import { EXIT_CODES, errorMessage, isConnectorError } from '../errors.js';
import type { Logger } from '../log.js';
import { compileMatcher } from '../sources/match.js';
import type { RemoteFile } from '../sources/source.js';
import { createSource } from '../run/runtime.js';
import { loggerFor, parse, requireConfig, type CliIO, type Command } from './_shared.js';

const HELP = `Usage: tally-connector check --config FILE

Verifies the landing step by step: connect (credentials, host key), list, find files matching the
streams, open one of them and read its first bytes. Prints each step and what failed.
Exit 0 when every step passed, 5 otherwise.`;

export const checkCommand: Command = {
  name: 'check',
  synopsis: '--config FILE',
  summary: 'verify the landing: connect, list, open one matching file',
  help: HELP,
  async run(args, io) {
    const { values } = parse('check', args);
    if (values.help) {
      io.stdout.write(HELP + '\n');
      return EXIT_CODES.OK;
    }
    const config = requireConfig('check', values);
    return runCheck(config, loggerFor(config, io, 'warn'), io);
  },
};

/**
 * `check`: connect, list, match, open one file and read its first bytes. Each step is printed with
 * what it found; the first failure says exactly what failed (credentials, host key, permission,
 * missing bucket or folder, no matching files).
 */
export async function runCheck(config: Config, log: Logger, io: CliIO): Promise<number> {
  const steps: Array<{ step: string; ok: boolean; detail: string }> = [];
  const say = (step: string, ok: boolean, detail: string) => {
    steps.push({ step, ok, detail });
    io.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${step.padEnd(10)} ${detail}\n`);
  };
  const explain = (e: unknown) => (isConnectorError(e) ? `${e.message}${e.hint ? ` (${e.hint})` : ''}` : errorMessage(e));
  let source;
  try {
    source = await createSource(config, log, io.env, io.deps);
  } catch (e) {
    // A bad endpoint, a missing key file or environment variable: the config is wrong, nothing was contacted.
    say('configure', false, explain(e));
    return isConnectorError(e) && e.code === 'E_CONFIG' ? EXIT_CODES.CONFIG : EXIT_CODES.SOURCE_UNAVAILABLE;
  }
  try {
    const files: RemoteFile[] = [];
    try {
      for await (const f of source.list()) {
        files.push(f);
        if (files.length >= 100_000) break;
      }
    } catch (e) {
      say('connect', false, explain(e));
      return isConnectorError(e) && e.code === 'E_CONFIG' ? EXIT_CODES.CONFIG : EXIT_CODES.SOURCE_UNAVAILABLE;
    }
    say('connect', true, `connected to ${source.rootUri}`);
    const young = source.settleMs > 0 ? files.filter((f) => Date.now() - f.mtimeMs < source.settleMs).length : 0;
    say('list', true, `${files.length} file(s) under the landing root${young ? `, ${young} still settling (modified less than ${Math.round(source.settleMs / 1000)} s ago; a run leaves them pending)` : ''}`);
    const matchers = config.streams.map((s) => ({ id: s.id, m: compileMatcher(s.patterns) }));
    let pick: RemoteFile | undefined;
    for (const { id, m } of matchers) {
      const n = files.filter((f) => m(f.key));
      say('match', n.length > 0, `stream ${id}: ${n.length} matching file(s)`);
      pick ??= n[0];
    }
    if (!pick) {
      say('open', false, 'no file matches any stream pattern; check the patterns and the prefix/root');
      return EXIT_CODES.SOURCE_UNAVAILABLE;
    }
    try {
      const rs = await source.open(pick);
      let got = 0;
      for await (const c of rs as AsyncIterable<Buffer>) {
        got += c.length;
        if (got >= 4096) break;
      }
      rs.destroy();
      say('open', true, `read ${Math.min(got, 4096)} byte(s) of ${config.privacy.clear_names ? pick.key : 'one matching file'}`);
    } catch (e) {
      const what = config.privacy.clear_names ? pick.key : 'one matching file';
      if (isConnectorError(e) && e.code === 'E_VANISHED') say('open', false, `${what} vanished between listing and opening; run check again`);
      else say('open', false, `cannot read ${what}: ${explain(e)}`);
      return EXIT_CODES.SOURCE_UNAVAILABLE;
    }
    return steps.every((s) => s.ok || s.step === 'match') ? EXIT_CODES.OK : EXIT_CODES.SOURCE_UNAVAILABLE;
  } finally {
    await source.close().catch(() => {});
  }
}
