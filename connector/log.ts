import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs go to stderr as JSON lines; stdout is reserved for data (envelopes, messages) and
 * the run summary. Secrets never reach a log line: configs hold none, and errors are logged by message.
 */
export function createLogger(level: string, dest: NodeJS.WritableStream | number = 2): Logger {
  const stream = typeof dest === 'number' ? pino.destination({ fd: dest, sync: true }) : dest;
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['password', 'passphrase', 'private_key', '*.password', '*.passphrase', '*.private_key', 'secretAccessKey', '*.secretAccessKey'], censor: '[redacted]' },
    },
    stream,
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
