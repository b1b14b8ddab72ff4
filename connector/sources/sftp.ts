import type { SftpSourceConfig } from '../config.js';
import type { Logger } from '../log.js';
import type { Source } from './source.js';
export function createSftpSource(_c: SftpSourceConfig, _l: Logger): Source { throw new Error('sftp source: not implemented yet'); }
