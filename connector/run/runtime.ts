import { randomBytes } from 'node:crypto';
import type { Config, StoreConfig } from '../config.js';
import { ConnectorError } from '../errors.js';
import { makeFileIdHasher, type FileIdHasher } from '../hashing.js';
import type { Logger } from '../log.js';
import { createLocalSource } from '../sources/local.js';
import type { Source } from '../sources/source.js';
import { createFolderNdjsonSink, createStdoutSink } from '../sinks/ndjson.js';
import type { Sink } from '../sinks/sink.js';
import { createLocalDocStore, type DocStore } from '../../state/docstore.js';
import { StateRegistry } from '../../state/state-registry.js';

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

export async function createSource(config: Config, log: Logger): Promise<Source> {
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

export async function createDocStore(cfg: StoreConfig, log: Logger): Promise<DocStore> {
  if (cfg.type === 'local') return createLocalDocStore(cfg.path);
  const { createS3DocStore } = await import('../../state/s3-docstore.js');
  return createS3DocStore(cfg, log);
}

export async function createRuntime(config: Config, log: Logger, env: NodeJS.ProcessEnv = process.env): Promise<Runtime> {
  const key = config.privacy.hash_key_env ? env[config.privacy.hash_key_env] : undefined;
  if (config.privacy.hash_key_env && !key) {
    throw new ConnectorError('E_CONFIG', `privacy.hash_key_env names ${config.privacy.hash_key_env}, which is not set in the environment`);
  }
  const source = await createSource(config, log);
  const stateStore = await createDocStore(config.state, log);
  const schemaStore = await createDocStore(config.schema_registry, log);
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
  if (mode === 'read' || config.sink.type === 'stdout') {
    return { sink: createStdoutSink(stdout), deadLetter: mode === 'read' ? undefined : createFolderNdjsonSink(config.dead_letter.path, config.tenant_id) };
  }
  return {
    sink: createFolderNdjsonSink(config.sink.path, config.tenant_id),
    deadLetter: createFolderNdjsonSink(config.dead_letter.path, config.tenant_id),
  };
}
