import type { Component } from '../component.js';
import type { DocStore } from '../../state/docstore.js';

/** A document store module (for the state and schema registries): its config fragment and its factory. */
export type StoreComponent<C extends { type: string }> = Component<C, DocStore>;
