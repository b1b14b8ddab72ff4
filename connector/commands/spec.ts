import { EXIT_CODES } from '../errors.js';
import { configSchema } from '../config.js';
import { wantsHelp, type Command } from './_shared.js';

const HELP = `Usage: tally-connector spec

Prints the JSON Schema of the config file.`;

export const specCommand: Command = {
  name: 'spec',
  synopsis: '',
  summary: 'print the config JSON Schema',
  help: HELP,
  async run(args, io) {
    if (wantsHelp(args)) {
      io.stdout.write(HELP + '\n');
      return EXIT_CODES.OK;
    }
    io.stdout.write(JSON.stringify(configSchema(), null, 2) + '\n');
    return EXIT_CODES.OK;
  },
};
