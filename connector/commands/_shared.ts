import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, type Config } from '../config.js';
import { ConnectorError, errorMessage } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import { createRuntime, type Runtime, type RuntimeDeps } from '../run/runtime.js';

/**
 * What every command shares: its IO (never process globals, so tests run commands in-process),
 * argument parsing with errors that point at `--help`, the exit-code table, and the runtime.
 */
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM by the bin; tests may pass their own. */
  signal?: AbortSignal;
  /** TTY colours for `drift show`. */
  color?: boolean;
  /** Replacements for the factories of clients and components (fault injection in tests). */
  deps?: RuntimeDeps;
}

export interface Command {
  name: string;
  /** One line for the main help. */
  summary: string;
  /** Argument synopsis for the main help (after the name). */
  synopsis: string;
  /** The command's own help (`<command> --help`). */
  help: string;
  run(args: string[], io: CliIO): Promise<number>;
}

export const EXIT_TABLE = `Exit codes:
  0    every discovered file was processed, skipped as already committed, or left pending
  1    internal error (a bug); the message is on stderr
  2    bad command line or config; nothing was read
  3    a stream with drift policy "fail" saw drift; the run stopped
  4    partial: some files failed or were refused (the summary lists them); the others were delivered
  5    the landing could not be listed (unreachable, credentials, missing bucket or folder)
  6    the state registry could not be read or written
  7    some streams were left to another run that holds their lease (streams_busy, streams_lost in
       the summary); the rest went well: run again later
  130  interrupted (SIGINT/SIGTERM); files in flight were not committed and will be read again`;

const COMMON: ParseArgsConfig['options'] = {
  config: { type: 'string', short: 'c' },
  help: { type: 'boolean', short: 'h' },
};

/** Parse a command's arguments (`--config` and `--help` are always accepted). */
export function parse(cmd: string, args: string[], extra: ParseArgsConfig['options'] = {}) {
  try {
    return parseArgs({ args, options: { ...COMMON, ...extra }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new ConnectorError('E_USAGE', `${cmd}: ${errorMessage(e)}`, { hint: `see tally-connector ${cmd} --help` });
  }
}

export function requireConfig(cmd: string, values: { config?: string | boolean | undefined }): Config {
  if (typeof values.config !== 'string') throw new ConnectorError('E_USAGE', `${cmd}: --config FILE is required`, { hint: `see tally-connector ${cmd} --help` });
  return loadConfig(values.config);
}

/** `--help` or `-h` anywhere in the arguments: print the command's help. */
export function wantsHelp(args: string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

export function loggerFor(config: Config, io: CliIO, fallbackLevel?: string): Logger {
  return createLogger(io.env['LOG_LEVEL'] ?? fallbackLevel ?? config.log_level, io.stderr);
}

/** Build the runtime (source, registries), run `fn`, close everything whatever happens. */
export async function withRuntime<T>(config: Config, io: CliIO, fn: (rt: Runtime) => Promise<T>, log: Logger = loggerFor(config, io)): Promise<T> {
  const rt = await createRuntime(config, log, io.env, io.deps);
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

/** Subcommand groups (`drift list`, `state ls`): the subcommand, or the group's help. */
export function subcommand(args: string[]): { sub: string | undefined; rest: string[] } {
  const [sub, ...rest] = args;
  return { sub: sub === '--help' || sub === '-h' ? undefined : sub, rest };
}
