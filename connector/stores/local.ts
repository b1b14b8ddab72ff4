import type { StoreComponent } from './store.js';
import { createLocalDocStore } from '../../state/local-docstore.js';

export interface LocalStoreConfig {
  type: 'local';
  path: string;
}

/** The state or schema registry in a local folder (one JSON file per document). */
export const localStore: StoreComponent<LocalStoreConfig> = {
  type: 'local',
  schema: {
    required: ['path'],
    properties: { path: { type: 'string', minLength: 1 } },
  },
  paths: ['path'],
  async create(cfg) {
    return createLocalDocStore(cfg.path);
  },
};
