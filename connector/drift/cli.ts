import type { Config } from '../config.js';
import { EXIT_CODES } from '../errors.js';
import type { Logger } from '../log.js';
import type { CliIO } from '../cli.js';
import type { Runtime } from '../run/runtime.js';
import type { DriftCoordinator } from './coordinator.js';

export function createDriftCoordinator(_rt: Runtime, _log: Logger): DriftCoordinator | undefined {
  return undefined;
}

export async function driftCommand(_args: string[], io: CliIO, _load: (f: string) => Config): Promise<number> {
  io.stderr.write('drift: not implemented yet\n');
  return EXIT_CODES.INTERNAL;
}
