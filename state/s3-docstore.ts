import type { S3StoreConfig } from '../connector/config.js';
import type { Logger } from '../connector/log.js';
import type { DocStore } from './docstore.js';
export function createS3DocStore(_c: S3StoreConfig, _l: Logger): DocStore { throw new Error('s3 docstore: not implemented yet'); }
