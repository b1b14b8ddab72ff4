import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_CODES, exitCodeFor, isConnectorError } from './errors.js';
import { projectRoot } from './schemas.js';
import { EXIT_TABLE, type CliIO, type Command } from './commands/_shared.js';
import { airbyteCommand } from './commands/airbyte.js';
import { checkCommand } from './commands/check.js';
import { consoleCommand } from './commands/console.js';
import { driftCommand } from './commands/drift.js';
import { planCommand } from './commands/plan.js';
import { readCommand } from './commands/read.js';
import { runCommand } from './commands/run.js';
import { specCommand } from './commands/spec.js';
import { stateCommand } from './commands/state.js';

export type { CliIO } from './commands/_shared.js';

/** Every command, in the order the help lists them. A new command is one file and one line here. */
const COMMANDS: Command[] = [runCommand, readCommand, planCommand, checkCommand, driftCommand, consoleCommand, stateCommand, specCommand, airbyteCommand];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length + 1 + c.synopsis.length));
  const lines = COMMANDS.map((c) => {
    const head = `${c.name} ${c.synopsis}`.trimEnd();
    return head.length <= width ? `  ${head.padEnd(width)}  ${c.summary}` : `  ${head}\n  ${''.padEnd(width)}  ${c.summary}`;
  });
  return `tally-connector: ingest Tally ERP exports (XML, CSV) from S3, SFTP or a local folder.

Usage: tally-connector <command> [options]

Commands:
${lines.join('\n')}

Run "tally-connector <command> --help" for the options of a command.

${EXIT_TABLE}`;
}

/** Entry point: returns the exit code; no process-wide side effects. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainHelp() + '\n');
    return name ? EXIT_CODES.OK : EXIT_CODES.CONFIG;
  }
  if (name === '--version' || name === '-v') {
    const pkg = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string };
    io.stdout.write(pkg.version + '\n');
    return EXIT_CODES.OK;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.stderr.write(`tally-connector: unknown command "${name}"\n\n${mainHelp()}\n`);
    return EXIT_CODES.CONFIG;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (isConnectorError(e)) {
      io.stderr.write(`tally-connector: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}\n`);
      return exitCodeFor(e);
    }
    io.stderr.write(`tally-connector: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT_CODES.INTERNAL;
  }
}
