import type { DriftAction } from './types.js';

/**
 * What each drift policy does with a file whose shape changed: one named object per policy, read by
 * the gate (gate.ts) and nowhere else. A stream picks one policy for compatible and one for
 * breaking changes (config `drift.compatible`, `drift.breaking`).
 */
export interface DriftPolicy {
  readonly name: DriftAction;
  /** The file's rows are withheld: nothing is delivered, the file is held until the alert is resolved. */
  readonly withholds: boolean;
  /** The run stops (exit 3) once this file has been decided. */
  readonly stopsRun: boolean;
  /** A changed entity's merged shape is registered as its next version right away. */
  readonly registersChange: boolean;
  /** Rows that do not fit the registered version are withheld from delivery (to the dead letter). */
  readonly divertsMisfits: boolean;
  /** Status of the alerts it raises: resolved at once (`evolved`) or waiting for an engineer (`open`). */
  readonly alertStatus: 'evolved' | 'open';
  /** What happened, for the alert message. */
  readonly did: string;
}

export const POLICIES: Readonly<Record<DriftAction, DriftPolicy>> = {
  evolve: {
    name: 'evolve',
    withholds: false,
    stopsRun: false,
    registersChange: true,
    divertsMisfits: false,
    alertStatus: 'evolved',
    did: 'a new schema version was registered',
  },
  alert: {
    name: 'alert',
    withholds: false,
    stopsRun: false,
    registersChange: false,
    divertsMisfits: true,
    alertStatus: 'open',
    did: 'the file was delivered; rows that do not fit the registered schema went to the dead letter',
  },
  quarantine: {
    name: 'quarantine',
    withholds: true,
    stopsRun: false,
    registersChange: false,
    divertsMisfits: false,
    alertStatus: 'open',
    did: "the file's rows were withheld until the alert is accepted or rejected",
  },
  fail: {
    name: 'fail',
    withholds: true,
    stopsRun: true,
    registersChange: false,
    divertsMisfits: false,
    alertStatus: 'open',
    did: 'the run was stopped',
  },
};
