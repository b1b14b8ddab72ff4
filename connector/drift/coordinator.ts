import type { ResolvedStream } from '../config.js';
import type { FileEntry } from '../../state/state-registry.js';
import type { PreparedFile } from '../run/ingest-file.js';
import type { PlanItem } from '../run/plan.js';
import type { DriftAlert } from './types.js';

/** What the drift gate decided for one file. */
export interface DriftOutcome {
  action: 'deliver' | 'quarantine' | 'fail';
  alerts: DriftAlert[];
  /** Alerts that hold the file (quarantine). */
  heldBy: string[];
  /** Schema version per entity the file's envelopes carry. */
  versions: Record<string, number>;
  rejectedRows: number;
  /** Registrations to make once the file is delivered. */
  pending: unknown[];
}

export interface DriftCoordinator {
  session(stream: ResolvedStream, format: 'csv' | 'tally-xml'): unknown;
  decide(stream: ResolvedStream, item: PlanItem, file: PreparedFile, mode: 'run' | 'read'): Promise<DriftOutcome>;
  afterDelivery(outcome: DriftOutcome, mode: 'run' | 'read'): Promise<void>;
  holdStatus(streamId: string, entry: FileEntry): 'hold' | 'release' | 'rejected';
}
