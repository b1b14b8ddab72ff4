import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectorError, describeError, isConnectorError } from '../errors.js';
import { acceptAlert, rejectAlert } from '../drift/review.js';
import { driftGateFor, type Runtime } from '../run/runtime.js';
import { planRun } from '../run/plan.js';
import { SchemaRegistry } from '../../state/schema-registry.js';
import { RunHistory } from '../../state/run-history.js';
import { toJsonSchema } from '../drift/json-schema.js';
import { CSS, alertPage, alertsPage, confirmPage, errorPage, overviewPage, runPage, runsPage, schemaPage, schemasPage, streamsPage, type Page, type RunView, type StreamView } from './pages.js';

/**
 * The review console: a small server-rendered web app over the two registries. It listens on
 * 127.0.0.1 unless told otherwise, answers only requests that carry its token (once, in the URL it
 * prints; then as an HttpOnly SameSite=Strict cookie), takes decisions only as POSTs that carry its
 * CSRF token from a page it served, and makes no outbound request: the pages have no scripts and
 * load only the stylesheet it serves itself.
 */

export interface ConsoleOptions {
  host: string;
  port: number;
  /** A fixed token (tests); otherwise a random one. */
  token?: string;
}

export interface ConsoleServer {
  server: Server;
  url: string;
  token: string;
  close(): Promise<void>;
}

const COOKIE = 'tally_console';

export async function startConsole(rt: Runtime, opts: ConsoleOptions): Promise<ConsoleServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  const registry = new SchemaRegistry(rt.schemaStore, rt.config.tenant_id, toJsonSchema);
  const history = new RunHistory(rt.state.store, rt.config.tenant_id, rt.config.connector_id);
  const clear = rt.config.privacy.clear_names;
  const ctx = { csrf, clear, tenant: rt.config.tenant_id, connector: rt.config.connector_id };

  const streamViews = async (): Promise<StreamView[]> => {
    const ids = new Set([...rt.config.streams.map((s) => s.id), ...(await rt.state.streams())]);
    let pending: Map<string, Array<{ file_id: string; path?: string; action: string; reason: string }>> | undefined;
    let planError: string | undefined;
    try {
      const drift = driftGateFor(rt);
      await drift.init(rt.config.streams);
      const items = await planRun(rt.source, rt.config.streams, (id) => rt.state.loadStream(id), { isHeld: (s, e) => drift.holdStatus(s, e) });
      pending = new Map();
      for (const i of items) {
        if (i.action === 'skip') continue;
        const list = pending.get(i.stream_id) ?? [];
        list.push({ file_id: rt.fileId(i.file.uri), ...(clear ? { path: i.file.key } : {}), action: i.action, reason: i.reason });
        pending.set(i.stream_id, list);
      }
    } catch (e) {
      planError = isConnectorError(e) ? describeError(e) : String(e);
    }
    const out: StreamView[] = [];
    for (const id of [...ids].sort()) {
      const st = await rt.state.loadStream(id);
      out.push({ id, files: [...st.files.values()], last_checkpoint: st.doc?.last_checkpoint ?? null, updated_at: st.doc?.updated_at, next: pending?.get(id) ?? [], ...(planError ? { planError } : {}) });
    }
    return out;
  };

  const route = async (req: IncomingMessage, url: URL): Promise<Page | { redirect: string }> => {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (req.method === 'POST') {
      const body = new URLSearchParams(await readBody(req));
      if (!same(body.get('csrf') ?? '', csrf)) throw new HttpError(403, 'This form was not served by this console (its CSRF token is missing or wrong). Reload the page and try again.');
      if (parts[0] === 'alerts' && parts[1] && (parts[2] === 'accept' || parts[2] === 'reject') && parts.length === 3) {
        const r = parts[2] === 'accept' ? await acceptAlert(registry, parts[1]) : await rejectAlert(registry, parts[1]);
        rt.log.info({ event: 'console_decision', alert_id: parts[1], decision: parts[2] }, r.message);
        return { redirect: `/alerts/${encodeURIComponent(parts[1])}?done=${parts[2]}` };
      }
      throw new HttpError(404, 'No such action.');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'Only GET and POST are served.');
    switch (parts[0]) {
      case undefined: {
        const [alerts, runs, streams] = await Promise.all([registry.alerts(), history.recent<RunView>(10), streamViews()]);
        return overviewPage(ctx, alerts, runs, streams);
      }
      case 'alerts': {
        if (!parts[1]) return alertsPage(ctx, await registry.alerts(), url.searchParams.get('status') ?? undefined);
        const a = await registry.getAlert(parts[1]);
        if (!a) throw new HttpError(404, `No alert ${parts[1]}.`);
        if (parts[2] === 'confirm') {
          const what = url.searchParams.get('do');
          if (what !== 'accept' && what !== 'reject') throw new HttpError(400, 'Confirm what? (do=accept or do=reject)');
          return confirmPage(ctx, a, what);
        }
        return alertPage(ctx, a, url.searchParams.get('done') ?? undefined);
      }
      case 'schemas': {
        if (!parts[1]) {
          const streams = await registry.streams();
          const rows = [];
          for (const s of streams) for (const [entity, v] of await registry.entities(s)) rows.push({ stream_id: s, entity, version: v.version, registered_at: v.registered_at, fields: Object.keys(v.shape).length });
          return schemasPage(ctx, rows);
        }
        const [, streamId, entity] = parts;
        if (!streamId || !entity) throw new HttpError(404, 'No such page.');
        const latest = await registry.latest(streamId, entity);
        if (!latest) throw new HttpError(404, `No schema for ${streamId} / ${entity}.`);
        const versions = [];
        for (let v = 1; v <= latest.version; v++) {
          const doc = await registry.version(streamId, entity, v);
          if (doc) versions.push(doc);
        }
        return schemaPage(ctx, streamId, entity, versions);
      }
      case 'runs': {
        const runs = await history.recent<RunView>(parts[1] ? 500 : 50);
        if (!parts[1]) return runsPage(ctx, runs);
        const r = runs.find((x) => x.run_id === parts[1]);
        if (!r) throw new HttpError(404, `No run ${parts[1]} in the history (the registry keeps the last 500).`);
        return runPage(ctx, r);
      }
      case 'streams':
        return streamsPage(ctx, await streamViews());
      default:
        throw new HttpError(404, 'No such page.');
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((e) => {
      rt.log.error({ event: 'console_error', err: String(e) }, 'console request failed');
      if (!res.headersSent) send(res, 500, errorPage(ctx, 500, 'The console could not answer.'));
    });
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    if (url.pathname === '/assets/console.css') {
      res.writeHead(200, { ...HEADERS, 'content-type': 'text/css; charset=utf-8', 'cache-control': 'private, max-age=300' });
      res.end(CSS);
      return;
    }
    const given = url.searchParams.get('token');
    if (given !== null) {
      if (!same(given, token)) return send(res, 401, errorPage(ctx, 401, 'The token in this address is wrong. Use the address the console printed when it started.'));
      url.searchParams.delete('token');
      res.writeHead(303, { ...HEADERS, 'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`, location: url.pathname + url.search });
      res.end();
      return;
    }
    if (!same(cookie(req, COOKIE) ?? '', token)) return send(res, 401, errorPage(ctx, 401, 'This console needs its token: open the address it printed when it started (it ends in ?token=…).'));
    if (req.method === 'POST') {
      // A form posted from another site: browsers send Origin with POSTs.
      const origin = req.headers.origin;
      if (origin && origin !== `http://${req.headers.host}`) return send(res, 403, errorPage(ctx, 403, 'A form from another origin was refused.'));
    }
    try {
      const r = await route(req, url);
      if ('redirect' in r) {
        res.writeHead(303, { ...HEADERS, location: r.redirect });
        res.end();
        return;
      }
      send(res, 200, r);
    } catch (e) {
      if (e instanceof HttpError) return send(res, e.status, errorPage(ctx, e.status, e.message));
      if (e instanceof ConnectorError) return send(res, e.code === 'E_USAGE' ? 409 : 500, errorPage(ctx, e.code === 'E_USAGE' ? 409 : 500, describeError(e)));
      throw e;
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    token,
    url: `http://${host}:${addr.port}/?token=${token}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, page: Page): void {
  res.writeHead(status, { ...HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(page.html);
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > 64 * 1024) throw new HttpError(413, 'The form is too large.');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
