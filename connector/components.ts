import type { DocStore } from '../state/docstore.js';
import type { Component, ComponentContext } from './component.js';
import type { Sink } from './sinks/sink.js';
import type { Source } from './sources/source.js';
import { localSource, type LocalSourceConfig } from './sources/local.js';
import { s3Source, type S3SourceConfig } from './sources/s3.js';
import { sftpSource, type SftpSourceConfig } from './sources/sftp.js';
import { folderSink, type FolderSinkConfig } from './sinks/ndjson.js';
import { stdoutSink, type StdoutSinkConfig } from './sinks/stdout.js';
import { s3Sink, type S3SinkConfig } from './sinks/s3.js';
import { arrowSink, parquetSink, type FolderColumnarConfig } from './sinks/columnar.js';
import { localStore, type LocalStoreConfig } from './stores/local.js';
import { s3Store, type S3StoreConfig } from './stores/s3-docstore.js';

/**
 * Components by type: every source, sink and document store is one module that declares its config
 * fragment (a JSON Schema with defaults) and its factory. The config schema is assembled from these
 * (config-schema.ts), so a new backend joins by adding its module and one line below.
 */

export type SourceConfig = LocalSourceConfig | S3SourceConfig | SftpSourceConfig;
export type SinkConfig = FolderSinkConfig | FolderColumnarConfig | StdoutSinkConfig | S3SinkConfig;
export type StoreConfig = LocalStoreConfig | S3StoreConfig;
export type { Component, ComponentContext, ComponentSchema, RuntimeDeps } from './component.js';
export type { LocalSourceConfig, S3SourceConfig, SftpSourceConfig, FolderSinkConfig, StdoutSinkConfig, S3SinkConfig, LocalStoreConfig, S3StoreConfig };

type AnyComponent<T> = Component<{ type: string } & Record<string, any>, T>;

/** The families, each a table from `type` to its component. */
export const SOURCES: Record<SourceConfig['type'], AnyComponent<Source>> = { local: localSource, s3: s3Source, sftp: sftpSource } as never;
export const SINKS: Record<SinkConfig['type'], AnyComponent<Sink>> = { ndjson: folderSink, parquet: parquetSink, arrow: arrowSink, stdout: stdoutSink, s3: s3Sink } as never;
export const STORES: Record<StoreConfig['type'], AnyComponent<DocStore>> = { local: localStore, s3: s3Store } as never;

export type Family = 'source' | 'sink' | 'store';
export const FAMILIES: Record<Family, Record<string, AnyComponent<unknown>>> = { source: SOURCES, sink: SINKS, store: STORES };

/** Build the component a resolved config fragment names. */
export async function build<T>(family: Record<string, AnyComponent<T>>, cfg: { type: string }, ctx: ComponentContext): Promise<T> {
  const c = family[cfg.type];
  if (!c) throw new Error(`no ${ctx.field} component of type ${cfg.type}`);
  return c.create(cfg as never, ctx);
}
