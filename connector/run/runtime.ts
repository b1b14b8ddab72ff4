import { workerCount } from './worker-pool.js';
import { randomBytes } from 'node:crypto';
import type { Config, StoreConfig } from '../config.js';
import { ConnectorError } from '../errors.js';
import { makeFileIdHasher, type FileIdHasher } from '../hashing.js';
import type { Logger } from '../log.js';
import { SINKS, SOURCES, STORES, build, type ComponentContext, type RuntimeDeps } from '../components.js';
import type { Source } from '../sources/source.js';
import type { Sink } from '../sinks/sink.js';
import type { DocStore } from '../../state/docstore.js';
import { StateRegistry } from '../../state/state-registry.js';
import { createDriftGate, type DriftGate } from '../drift/gate.js';
import { createAuditLog, NO_AUDIT, type AuditLog } from '../audit.js';

export type { RuntimeDeps } from '../components.js';

/** Everything a run needs, built from the config. Heavy SDKs (S3, SFTP) load only when configured. */
export interface Runtime {
  config: Config;
  log: Logger;
  runId: string;
  env: NodeJS.ProcessEnv;
  deps: RuntimeDeps;
  source: Source;
  state: StateRegistry;
  schemaStore: DocStore;
  fileId: FileIdHasher;
  close(): Promise<void>;
}

function newRunId(now = new Date()): string {
  return `r-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

function context(config: Config, log: Logger, env: NodeJS.ProcessEnv, deps: RuntimeDeps, field: string, stdout?: NodeJS.WritableStream): ComponentContext {
  return { log, env, deps, tenantId: config.tenant_id, field, threads: workerCount(config.workers), ...(stdout ? { stdout } : {}) };
}

export async function createSource(config: Config, log: Logger, env: NodeJS.ProcessEnv = process.env, deps: RuntimeDeps = {}): Promise<Source> {
  return build(SOURCES, config.source, context(config, log, env, deps, 'source'));
}

export async function createDocStore(cfg: StoreConfig, log: Logger, env: NodeJS.ProcessEnv = process.env, deps: RuntimeDeps = {}, field = 'state'): Promise<DocStore> {
  return build(STORES, cfg, { log, env, deps, tenantId: '', field });
}

export async function createRuntime(config: Config, log: Logger, env: NodeJS.ProcessEnv = process.env, deps: RuntimeDeps = {}): Promise<Runtime> {
  const key = config.privacy.hash_key_env ? env[config.privacy.hash_key_env] : undefined;
  if (config.privacy.hash_key_env && !key) {
    throw new ConnectorError('E_CONFIG', `privacy.hash_key_env names ${config.privacy.hash_key_env}, which is not set in the environment`);
  }
  const source = await createSource(config, log, env, deps);
  const stateStore = await createDocStore(config.state, log, env, deps, 'state');
  const schemaStore = await createDocStore(config.schema_registry, log, env, deps, 'schema_registry');
  return {
    config,
    log,
    runId: newRunId(),
    env,
    deps,
    source,
    state: new StateRegistry(stateStore, config.tenant_id, config.connector_id),
    schemaStore,
    fileId: makeFileIdHasher(config.tenant_id, key),
    async close() {
      await Promise.allSettled([source.close(), stateStore.close(), schemaStore.close()]);
    },
  };
}

/**
 * The sinks of a run: envelopes go where `sink` says (stdout for `read`, where every message is a
 * line of stdout), rejected rows where `dead_letter` says (in `read` they are messages too).
 */
export async function createSinks(rt: Runtime, mode: 'run' | 'read', stdout: NodeJS.WritableStream): Promise<{ sink: Sink; deadLetter: Sink | undefined }> {
  const { config, log, env, deps } = rt;
  const deadLetter = mode === 'read' ? undefined : await build(SINKS, config.dead_letter, context(config, log, env, deps, 'dead_letter'));
  const sinkCfg = mode === 'read' ? { type: 'stdout' as const } : config.sink;
  const sink = await build(SINKS, sinkCfg, context(config, log, env, deps, 'sink', stdout));
  return { sink, deadLetter };
}

/** The run's drift gate over the runtime's schema registry. */
export function driftGateFor(rt: Runtime): DriftGate {
  return createDriftGate({ schemaStore: rt.schemaStore, tenantId: rt.config.tenant_id, connectorId: rt.config.connector_id, runId: rt.runId, log: rt.log, clearNames: rt.config.privacy.clear_names });
}

/**
 * The run's audit log. `run` always writes one (by default beside the state); `read`, which writes
 * nothing else, writes one only when `audit` is configured.
 */
export async function auditFor(rt: Runtime, mode: 'run' | 'read'): Promise<AuditLog> {
  if (mode === 'read' && !rt.config.audit.configured) return NO_AUDIT;
  return createAuditLog(rt.config.audit.target, { tenantId: rt.config.tenant_id, connectorId: rt.config.connector_id, runId: rt.runId, clearNames: rt.config.privacy.clear_names, env: rt.env, log: rt.log, deps: rt.deps });
}
