import type { S3SourceConfig } from '../config.js';
import type { Logger } from '../log.js';
import type { Source } from './source.js';
export function createS3Source(_c: S3SourceConfig, _l: Logger): Source { throw new Error('s3 source: not implemented yet'); }
