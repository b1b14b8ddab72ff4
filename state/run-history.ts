import type { DocStore } from './docstore.js';

/**
 * The summaries of recent runs, kept in the state registry (a bounded history: the newest `keep`),
 * so that an operator or a console can see what recent runs did without the orchestrator's logs.
 * One document per run under `<tenant>/<connector>/_runs/`, named so that names sort by start time.
 */
export class RunHistory {
  constructor(
    private readonly store: DocStore,
    private readonly tenantId: string,
    private readonly connectorId: string,
    private readonly keep = 500,
  ) {}

  private get prefix(): string {
    return `${this.tenantId}/${this.connectorId}/_runs/`;
  }

  async append(summary: { run_id: string; started_at: string }): Promise<void> {
    const stamp = summary.started_at.replace(/[^0-9]/g, '').slice(0, 17).padEnd(17, '0');
    await this.store.put(`${this.prefix}${stamp}-${summary.run_id.replace(/[^A-Za-z0-9_.=@-]/g, '_')}`, summary);
    const keys = await this.store.list(this.prefix);
    for (const k of keys.slice(0, Math.max(0, keys.length - this.keep))) await this.store.delete(k);
  }

  /** The newest `limit` summaries, newest first. */
  async recent<T = unknown>(limit = 20): Promise<T[]> {
    const keys = (await this.store.list(this.prefix)).slice(-limit).reverse();
    const out: T[] = [];
    for (const k of keys) {
      const d = await this.store.get<T>(k);
      if (d !== undefined) out.push(d);
    }
    return out;
  }
}
