import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from './log.js';

/**
 * What a component is: a module that declares its config fragment (a JSON Schema with defaults)
 * and its factory. Each family names its own kind (`SourceComponent` in sources/source.ts,
 * `SinkComponent` in sinks/sink.ts, `StoreComponent` in stores/store.ts); the registry of every
 * component by type is components.ts.
 */

/**
 * Replacements a caller (a test) may give the factories. Production passes nothing: faults are
 * injected here, never through module-level hooks.
 */
export interface RuntimeDeps {
  /** Called with every S3 client the connector builds (e.g. to add a fault-injecting middleware). */
  onS3Client?: (client: S3Client, purpose: 'source' | 'state' | 'sink') => void;
  /** Called with each chunk an SFTP read yields (e.g. to kill the server side at a known point). */
  onSftpChunk?: (info: { key: string; bytes: number }) => void | Promise<void>;
}

export interface ComponentContext {
  log: Logger;
  env: NodeJS.ProcessEnv;
  deps: RuntimeDeps;
  tenantId: string;
  /** The config field the component came from, for messages: `source`, `sink`, `dead_letter`, `state`... */
  field: string;
  /** Standard output, for the stdout sink. */
  stdout?: NodeJS.WritableStream;
  /** Threads the run may use (`workers`): typed sinks convert on at most this many. */
  threads?: number;
}

export interface ComponentSchema {
  description?: string;
  /** Shared fields (`#/$defs/s3Connection`, `#/$defs/sftpConnection`). */
  $ref?: string;
  properties: Record<string, unknown>;
  required?: string[];
}

export interface Component<C extends { type: string }, T> {
  readonly type: C['type'];
  /** The component's own fields (with their defaults); `type` is added by the registry. */
  readonly schema: ComponentSchema;
  /** Fields holding local paths, resolved from the folder of the config file. */
  readonly paths?: ReadonlyArray<keyof C & string>;
  /** A rule the schema does not express; returns what is wrong. */
  check?(cfg: C): string | undefined;
  create(cfg: C, ctx: ComponentContext): Promise<T>;
}


