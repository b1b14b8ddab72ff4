import { main } from './cli.js';

// A closed pipe on stdout (`tally-connector drift show X | head`) is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

// The pinned AWS SDK warns on every S3 run that its releases after January 2027 need Node 22 (see
// README, "Node 20 and the AWS SDK"). Orchestrators read stderr as the connector's log; keep it clean.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  if (typeof warning === 'string' && warning.startsWith('NodeVersionSupportWarning')) return;
  return (emitWarning as (w: string | Error, ...r: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

const controller = new AbortController();
let signals = 0;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    signals++;
    if (signals > 1) process.exit(130);
    // Only the commands that read files have files in flight; the others (the console) just stop.
    const reading = ['run', 'read', 'airbyte'].includes(process.argv[2] ?? '');
    process.stderr.write(reading ? `tally-connector: ${sig} received; stopping after the files in flight are aborted (send again to exit at once)\n` : `tally-connector: ${sig} received; stopping\n`);
    controller.abort();
  });
}

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
  color: Boolean(process.stdout.isTTY),
});
// Let stdout drain before exiting (large outputs piped to a slow reader).
process.exitCode = code;
