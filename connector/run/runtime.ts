import { randomBytes } from 'node:crypto';
import type { Config, StoreConfig } from '../config.js';
import { ConnectorError } from '../errors.js';
import { makeFileIdHasher, type FileIdHasher } from '../hashing.js';
import type { Logger } from '../log.js';
import { createLocalSource } from '../sources/local.js';
import type { Source } from '../sources/source.js';
import { createFolderNdjsonSink, createStdoutSink } from '../sinks/ndjson.js';
import { createS3Sink } from '../sinks/s3.js';
import type { Sink } from '../sinks/sink.js';
import type { DocStore } from '../../state/docstore.js';
import { createLocalDocStore } from '../../state/local-docstore.js';
import { StateRegistry } from '../../state/state-registry.js';

/**
 * Replacements a caller (a test) may give the factories: how clients are built. Production passes
 * nothing. Faults are injected here, never through module-level hooks.
 */
export interface RuntimeDeps {
  /** Called with every S3 client the connector builds (to add a fault-injecting middleware). */
  onS3Client?: (client: import('@aws-sdk/client-s3').S3Client, purpose: 'source' | 'state' | 'sink') => void;
  /** Called with each chunk an SFTP read yields (to kill the server side at a known point). */
  onSftpChunk?: (info: { key: string; bytes: number }) => void | Promise<void>;
}

/** Everything a run needs, built from the config. Heavy SDKs (S3, SFTP) load only when configured. */
export interface Runtime {
  config: Config;
  log: Logger;
  runId: string;
  source: Source;
  state: StateRegistry;
  schemaStore: DocStore;
  fileId: FileIdHasher;
  close(): Promise<void>;
}

export function newRunId(now = new Date()): string {
  return `r-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

export async function createSource(config: Config, log: Logger, _env: NodeJS.ProcessEnv = process.env, _deps: RuntimeDeps = {}): Promise<Source> {
  const s = config.source;
  switch (s.type) {
    case 'local':
      return createLocalSource(s);
    case 's3': {
      const { createS3Source } = await import('../sources/s3.js');
      return createS3Source(s, log);
    }
    case 'sftp': {
      const { createSftpSource } = await import('../sources/sftp.js');
      return createSftpSource(s, log);
    }
  }
}

export async function createDocStore(cfg: StoreConfig, log: Logger, _env: NodeJS.ProcessEnv = process.env, _deps: RuntimeDeps = {}): Promise<DocStore> {
  if (cfg.type === 'local') return createLocalDocStore(cfg.path);
  const { createS3DocStore } = await import('../stores/s3-docstore.js');
  return createS3DocStore(cfg, log);
}

export async function createRuntime(config: Config, log: Logger, env: NodeJS.ProcessEnv = process.env, deps: RuntimeDeps = {}): Promise<Runtime> {
  const key = config.privacy.hash_key_env ? env[config.privacy.hash_key_env] : undefined;
  if (config.privacy.hash_key_env && !key) {
    throw new ConnectorError('E_CONFIG', `privacy.hash_key_env names ${config.privacy.hash_key_env}, which is not set in the environment`);
  }
  const source = await createSource(config, log, env, deps);
  const stateStore = await createDocStore(config.state, log, env, deps);
  const schemaStore = await createDocStore(config.schema_registry, log, env, deps);
  return {
    config,
    log,
    runId: newRunId(),
    source,
    state: new StateRegistry(stateStore, config.tenant_id, config.connector_id),
    schemaStore,
    fileId: makeFileIdHasher(config.tenant_id, key),
    async close() {
      await Promise.allSettled([source.close(), stateStore.close(), schemaStore.close()]);
    },
  };
}

export function createSinks(config: Config, mode: 'run' | 'read', stdout: NodeJS.WritableStream): { sink: Sink; deadLetter: Sink | undefined } {
  const tenant = config.tenant_id;
  // In read mode dead letters are messages on stdout; in run mode they go where dead_letter says
  // (by default beside the output: `<folder>/_dead_letter` or `<prefix>_dead_letter/` in the sink's bucket).
  const dl = config.dead_letter;
  const deadLetter = mode === 'read' ? undefined : dl.type === 's3' ? createS3Sink(dl, tenant, { field: 'dead_letter.endpoint' }) : createFolderNdjsonSink(dl.path, tenant);
  if (mode === 'read' || config.sink.type === 'stdout') return { sink: createStdoutSink(stdout), deadLetter };
  if (config.sink.type === 's3') return { sink: createS3Sink(config.sink, tenant, { field: 'sink.endpoint' }), deadLetter };
  return { sink: createFolderNdjsonSink(config.sink.path, tenant), deadLetter };
}
