import { ingest } from './run.js';
import { EXIT_TABLE, type Command } from './_shared.js';

const READ_HELP = `Usage: tally-connector read --config FILE [--state FILE]

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

${EXIT_TABLE}`;

export const readCommand: Command = {
  name: 'read',
  synopsis: '--config FILE [--state FILE]',
  summary: 'the pure connector: envelopes, checkpoints, drift alerts as messages on stdout; writes no state',
  help: READ_HELP,
  run: (args, io) => ingest('read', args, io, READ_HELP),
};
