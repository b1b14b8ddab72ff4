import { diffShapes } from '../drift/diff.js';
import { sampleText } from '../drift/render.js';
import { describeType, type DriftAlert, type FieldChange, type SchemaVersion } from '../drift/types.js';
import type { FileEntry } from '../../state/types.js';

/**
 * The console's pages: server-rendered HTML, no scripts, one local stylesheet. Every value from the
 * registries is escaped; file names are shown only with privacy.clear_names, otherwise file ids.
 */

export interface Page {
  html: string;
}

export interface PageContext {
  csrf: string;
  clear: boolean;
  tenant: string;
  connector: string;
}

/** The part of a run summary (schemas/metrics.schema.json) the console shows. */
export interface RunView {
  run_id: string;
  command: string;
  status: string;
  exit_code: number;
  started_at: string;
  duration_ms: number;
  files_discovered: number;
  files_processed: number;
  files_skipped: number;
  files_failed: number;
  files_refused: number;
  files_quarantined: number;
  files_pending: number;
  rows_emitted: number;
  rows_rejected: number;
  drift_alerts: number;
  files: Array<{ stream_id: string; file_id: string; path?: string; status: string; reason?: string; code?: string; message?: string; line?: number; offset?: number; drift_alert_ids?: string[] }>;
  error?: { code?: string; message?: string; hint?: string };
}

export interface StreamView {
  id: string;
  files: FileEntry[];
  last_checkpoint: string | null;
  updated_at?: string;
  /** What the next run would do with files that are not simply skipped (from the plan). */
  next: Array<{ file_id: string; path?: string; action: string; reason: string }>;
  planError?: string;
}

export const CSS = `
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; --soft: #f6f8fa; --bad: #a40e26; --warn: #7d4e00; --ok: #116329; --link: #0550ae; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--link); }
a:focus, button:focus { outline: 3px solid #0969da; outline-offset: 2px; }
header { background: #24292f; color: #fff; padding: .6rem 1rem; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; align-items: baseline; }
header .brand { font-weight: 600; margin-right: 1rem; }
header nav a { color: #fff; margin-right: 1rem; }
header nav a[aria-current="page"] { text-decoration: underline; font-weight: 600; }
main { padding: 1rem; max-width: 80rem; margin: 0 auto; }
h1 { font-size: 1.4rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 .5rem; }
.muted { color: var(--muted); }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
tr:last-child td { border-bottom: none; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 1rem; font-size: .8rem; border: 1px solid currentColor; white-space: nowrap; }
.breaking, .failed, .refused { color: var(--bad); }
.compatible, .quarantined, .held, .open, .pending { color: var(--warn); }
.committed, .accepted, .evolved, .ok { color: var(--ok); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .8rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; background: var(--soft); }
a.card { text-decoration: none; color: inherit; }
caption { caption-side: bottom; text-align: left; padding: .3rem .6rem; color: var(--muted); }
.card .n { font-size: 1.6rem; font-weight: 600; }
.notice { border-left: 4px solid var(--ok); background: #dafbe1; padding: .6rem .8rem; margin: 0 0 1rem; }
.actions { display: flex; gap: .8rem; flex-wrap: wrap; margin: 1rem 0; }
.button, button { font: inherit; padding: .45rem .9rem; border-radius: 6px; border: 1px solid var(--line); background: var(--soft); color: var(--fg); text-decoration: none; cursor: pointer; }
.button.primary, button.primary { background: #1f883d; border-color: #1a7f37; color: #fff; }
.button.danger, button.danger { background: #cf222e; border-color: #a40e26; color: #fff; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
ul.samples { margin: .2rem 0 0; padding-left: 1.1rem; }
@media (max-width: 40rem) {
  main { padding: .6rem; }
  th, td { padding: .35rem .4rem; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dt { margin-top: .4rem; }
}
`;

const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const badge = (s: string) => `<span class="badge ${esc(s)}">${esc(s)}</span>`;
const link = (href: string, text: string) => `<a href="${esc(href)}">${esc(text)}</a>`;
const alertHref = (id: string) => `/alerts/${encodeURIComponent(id)}`;
const table = (caption: string, head: string[], rows: string[][], empty: string) =>
  rows.length
    ? `<div class="scroll"><table><caption>${esc(caption)}</caption><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table></div>`
    : `<p class="muted">${esc(empty)}</p>`;
const fileName = (ctx: PageContext, f: { file_id: string; path?: string }) => `<span class="mono">${esc(ctx.clear && f.path ? f.path : f.file_id)}</span>`;
const secs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(1)} s`);

function layout(ctx: PageContext, current: string, title: string, body: string): Page {
  const nav = [
    ['/', 'Overview'],
    ['/alerts', 'Drift alerts'],
    ['/schemas', 'Schemas'],
    ['/runs', 'Runs'],
    ['/streams', 'Streams'],
  ]
    .map(([href, text]) => `<a href="${href}"${href === current ? ' aria-current="page"' : ''}>${text}</a>`)
    .join('');
  return {
    html: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Tally connector console</title>
<link rel="stylesheet" href="/assets/console.css">
</head>
<body>
<header><span class="brand">Tally connector · ${esc(ctx.tenant)} / ${esc(ctx.connector)}</span><nav aria-label="Sections">${nav}</nav></header>
<main id="main">
<h1>${esc(title)}</h1>
${body}
</main>
</body>
</html>
`,
  };
}

export function errorPage(ctx: PageContext, status: number, message: string): Page {
  return layout(ctx, '', `${status}: ${status === 401 ? 'token required' : status === 403 ? 'refused' : status === 404 ? 'not found' : 'error'}`, `<p role="alert">${esc(message)}</p>`);
}

function alertRows(alerts: DriftAlert[]): string[][] {
  return alerts.map((a) => [
    link(alertHref(a.id), a.id),
    badge(a.status),
    badge(a.severity),
    esc(a.action),
    `${esc(a.stream_id)} / ${esc(a.kind === 'entity_added' ? '+' + a.entity : a.entity)}`,
    esc(a.changes.length),
    `<time datetime="${esc(a.created_at)}">${esc(a.created_at.slice(0, 19).replace('T', ' '))}</time>`,
  ]);
}
const ALERT_HEAD = ['Alert', 'Status', 'Severity', 'Action', 'Stream / entity', 'Changes', 'Raised (UTC)'];

/** Files that need someone: failed, refused, quarantined, held, pending. */
function attention(files: RunView['files']): RunView['files'] {
  return files.filter((f) => f.status !== 'committed' && f.status !== 'skipped');
}

function attentionTable(ctx: PageContext, files: RunView['files']): string {
  return table(
    'Files that need attention',
    ['Stream', 'File', 'Status', 'Why', 'What to do'],
    attention(files).map((f) => [
      esc(f.stream_id),
      fileName(ctx, f),
      badge(f.status),
      `${f.code ? `<code>${esc(f.code)}</code> ` : ''}${esc(f.message ?? f.reason ?? '')}${f.line ? ` <span class="muted">(line ${esc(f.line)}${f.offset !== undefined ? `, byte ${esc(f.offset)}` : ''})</span>` : ''}`,
      f.drift_alert_ids?.length ? f.drift_alert_ids.map((id) => link(alertHref(id), `review ${id}`)).join(' ') : esc(whatToDo(f.status)),
    ]),
    'Nothing needs attention.',
  );
}

function whatToDo(status: string): string {
  switch (status) {
    case 'failed':
      return 'fix or replace the file; the next run retries it (state forget to force it)';
    case 'refused':
      return 'a backup or archive: restore it in Tally and export XML or CSV';
    case 'pending':
      return 'still being written; the next run takes it once it settles';
    case 'held':
    case 'quarantined':
      return 'review its drift alert';
    default:
      return '';
  }
}

function runRows(runs: RunView[]): string[][] {
  return runs.map((r) => [
    link(`/runs/${encodeURIComponent(r.run_id)}`, r.run_id),
    esc(r.command),
    badge(r.exit_code === 0 ? 'ok' : r.status),
    esc(r.exit_code),
    `<time datetime="${esc(r.started_at)}">${esc(r.started_at.slice(0, 19).replace('T', ' '))}</time>`,
    esc(secs(r.duration_ms)),
    `${esc(r.files_processed)} / ${esc(r.files_discovered)}`,
    esc(r.rows_emitted),
    esc(r.files_failed + r.files_refused + r.files_quarantined),
  ]);
}
const RUN_HEAD = ['Run', 'Command', 'Status', 'Exit', 'Started (UTC)', 'Took', 'Files read / seen', 'Rows', 'Failed, refused, held'];

export function overviewPage(ctx: PageContext, alerts: DriftAlert[], runs: RunView[], streams: StreamView[]): Page {
  const open = alerts.filter((a) => a.status === 'open');
  const last = runs[0];
  const needs = streams.flatMap((s) => s.files.filter((f) => f.status !== 'committed').map((f) => ({ s, f })));
  const cards = [
    ['Open drift alerts', open.length, '/alerts?status=open'],
    ['Files needing attention', needs.length, '/streams'],
    ['Streams', streams.length, '/streams'],
    ['Last run', last ? `${last.status}` : 'none', last ? `/runs/${encodeURIComponent(last.run_id)}` : '/runs'],
  ]
    .map(([label, n, href]) => `<a class="card" href="${esc(href)}"><div class="n">${esc(n)}</div><div>${esc(label)}</div></a>`)
    .join('');
  return layout(
    ctx,
    '/',
    'Overview',
    `<div class="cards">${cards}</div>
<h2>Open drift alerts</h2>
${table('Alerts waiting for a decision', ALERT_HEAD, alertRows(open), 'No open alerts.')}
${last ? `<h2>Last run: files that need attention</h2>${attentionTable(ctx, last.files)}` : ''}
<h2>Recent runs</h2>
${table('The newest runs first', RUN_HEAD, runRows(runs.slice(0, 10)), 'No runs recorded yet.')}`,
  );
}

export function alertsPage(ctx: PageContext, alerts: DriftAlert[], status: string | undefined): Page {
  const shown = (status ? alerts.filter((a) => a.status === status) : alerts).slice().reverse();
  const filters = ['all', 'open', 'evolved', 'accepted', 'rejected'].map((s) => `<a href="/alerts${s === 'all' ? '' : `?status=${s}`}"${(status ?? 'all') === s ? ' aria-current="true"' : ''}>${s}</a>`).join(' · ');
  return layout(ctx, '/alerts', 'Drift alerts', `<p>Show: ${filters}</p>${table('Newest first', ALERT_HEAD, alertRows(shown), 'No alerts.')}`);
}

function changeRows(changes: FieldChange[]): string[][] {
  return changes.map((c) => [
    `<code>${esc(c.field)}</code>`,
    esc(c.kind.replace('_', ' ')),
    esc(describeType(c.before)),
    esc(describeType(c.after)),
    `${badge(c.severity)} ${esc(c.why)}`,
    c.samples?.length ? `<ul class="samples" aria-label="${c.kind === 'added' ? 'First values' : 'Offending values'}">${c.samples.map((s) => `<li><code>${esc(sampleText(s))}</code></li>`).join('')}</ul>` : '<span class="muted">-</span>',
  ]);
}

export function alertPage(ctx: PageContext, a: DriftAlert, done: string | undefined): Page {
  const facts: Array<[string, string]> = [
    ['Status', badge(a.status)],
    ['Severity', badge(a.severity)],
    ['Action taken', esc(a.action)],
    ['Stream / entity', `${esc(a.stream_id)} / ${esc(a.entity)}${a.kind === 'entity_added' ? ' (new entity)' : ''}`],
    ['File', `${fileName(ctx, a.file)}, ${esc(a.file.rows)} rows, sha256 <span class="mono">${esc(a.file.sha256.slice(0, 16))}…</span>`],
    ['Compared with', a.base_version ? link(`/schemas/${encodeURIComponent(a.stream_id)}/${encodeURIComponent(a.entity)}`, `version ${a.base_version}`) : 'no registered version'],
    ['Raised', `${esc(a.created_at)} by run ${link(`/runs/${encodeURIComponent(a.run_id)}`, a.run_id)}`],
  ];
  if (a.resolved_version) facts.push(['Registered', `version ${esc(a.resolved_version)}${a.resolved_at ? ` at ${esc(a.resolved_at)}` : ''}`]);
  if (a.renamed_from) facts.push(['Looks like a rename of', `${esc(a.renamed_from.entity)} (${esc(a.renamed_from.shared_fields)} of its ${esc(a.renamed_from.of)} fields shared)`]);
  const changes = a.changes.length
    ? table('Before → after for each field', ['Field', 'Change', 'Registered', 'In the file', 'Severity and why', 'Sample values (position)'], changeRows(a.changes), '')
    : `<p>A new entity with ${esc(Object.keys(a.proposed).length)} fields.</p>`;
  const decide =
    a.status === 'open'
      ? `<div class="actions"><a class="button primary" href="${alertHref(a.id)}/confirm?do=accept">Accept…</a><a class="button danger" href="${alertHref(a.id)}/confirm?do=reject">Reject…</a></div>`
      : '';
  const notice = done === 'accept' || done === 'reject' ? `<p class="notice" role="status">${done === 'accept' ? `Accepted: version ${esc(a.resolved_version)} is registered; a file this alert held is ingested on the next run.` : 'Rejected: the file stays refused until its bytes change.'}</p>` : '';
  return layout(ctx, '/alerts', `Alert ${a.id}`, `${notice}<p>${esc(a.message)}</p><dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>${decide}<h2>Changes</h2>${changes}`);
}

export function confirmPage(ctx: PageContext, a: DriftAlert, what: 'accept' | 'reject'): Page {
  if (a.status !== 'open') return layout(ctx, '/alerts', `Alert ${a.id}`, `<p role="alert">This alert is ${esc(a.status)}; only open alerts can be decided.</p><p>${link(alertHref(a.id), 'Back to the alert')}</p>`);
  const effect =
    what === 'accept'
      ? `Registers the file's shape as the next schema version of ${esc(a.stream_id)} / ${esc(a.entity)} (the same as <code>drift accept ${esc(a.id)}</code>). A file this alert holds is ingested on the next run.`
      : `Closes the alert without changing the schema (the same as <code>drift reject ${esc(a.id)}</code>). The file stays refused until its bytes change.`;
  return layout(
    ctx,
    '/alerts',
    `${what === 'accept' ? 'Accept' : 'Reject'} alert ${a.id}?`,
    `<p>${esc(a.message)}</p><p>${effect}</p>
<form method="post" action="${alertHref(a.id)}/${what}" class="actions">
<input type="hidden" name="csrf" value="${esc(ctx.csrf)}">
<button type="submit" class="${what === 'accept' ? 'primary' : 'danger'}">Yes, ${what} it</button>
<a class="button" href="${alertHref(a.id)}">Cancel</a>
</form>`,
  );
}

export function schemasPage(ctx: PageContext, rows: Array<{ stream_id: string; entity: string; version: number; registered_at: string; fields: number }>): Page {
  return layout(
    ctx,
    '/schemas',
    'Schemas',
    table(
      'The current version of each entity',
      ['Stream', 'Entity', 'Version', 'Fields', 'Registered (UTC)'],
      rows.map((r) => [esc(r.stream_id), link(`/schemas/${encodeURIComponent(r.stream_id)}/${encodeURIComponent(r.entity)}`, r.entity), esc(r.version), esc(r.fields), esc(r.registered_at.slice(0, 19).replace('T', ' '))]),
      'No schema registered yet: the first run registers version 1 of each entity it meets.',
    ),
  );
}

export function schemaPage(ctx: PageContext, streamId: string, entity: string, versions: SchemaVersion[]): Page {
  const parts = versions
    .slice()
    .reverse()
    .map((v) => {
      const prev = versions.find((x) => x.version === v.version - 1);
      const why = v.reason === 'first_file' ? 'first file' : v.reason === 'accept' ? 'accepted by an engineer' : 'evolved by policy';
      const head = `<h2 id="v${v.version}">Version ${v.version}</h2><p class="muted">${esc(why)}, ${esc(v.registered_at)}${v.alert_id ? `, alert ${link(alertHref(v.alert_id), v.alert_id)}` : ''}${v.file_id ? `, file <span class="mono">${esc(v.file_id)}</span>` : ''}. ${Object.keys(v.shape).length} fields.</p>`;
      if (!prev) return head + table(`Fields of version ${v.version}`, ['Field', 'Type'], Object.entries(v.shape).map(([p, f]) => [`<code>${esc(p.slice(1))}</code>`, esc(describeType(f))]), 'No fields.');
      const changes = diffShapes(prev.shape, v.shape);
      const removedOptional = Object.keys(prev.shape).filter((p) => !v.shape[p]);
      return head + table(`What changed from version ${prev.version}`, ['Field', 'Change', 'Version ' + prev.version, 'Version ' + v.version, 'Why'], changes.map((c) => [`<code>${esc(c.field)}</code>`, esc(c.kind.replace('_', ' ')), esc(describeType(c.before)), esc(describeType(c.after)), esc(c.why)]).concat(removedOptional.map((p) => [`<code>${esc(p.slice(1))}</code>`, 'removed', esc(describeType(prev.shape[p]!)), '-', ''])), 'Nothing changed in the fields (required or nullable flags only).');
    })
    .join('');
  return layout(ctx, '/schemas', `${streamId} / ${entity}`, parts);
}

export function runsPage(ctx: PageContext, runs: RunView[]): Page {
  return layout(ctx, '/runs', 'Recent runs', table('The newest runs first (the registry keeps the last 500)', RUN_HEAD, runRows(runs), 'No runs recorded yet.'));
}

export function runPage(ctx: PageContext, r: RunView): Page {
  const facts: Array<[string, string]> = [
    ['Command', esc(r.command)],
    ['Status', `${badge(r.exit_code === 0 ? 'ok' : r.status)} exit code ${esc(r.exit_code)}`],
    ['Started', esc(r.started_at)],
    ['Took', esc(secs(r.duration_ms))],
    ['Files', `${esc(r.files_discovered)} seen, ${esc(r.files_processed)} read, ${esc(r.files_skipped)} skipped, ${esc(r.files_failed)} failed, ${esc(r.files_refused)} refused, ${esc(r.files_quarantined)} quarantined, ${esc(r.files_pending)} pending`],
    ['Rows', `${esc(r.rows_emitted)} delivered, ${esc(r.rows_rejected)} to the dead letter`],
    ['Drift alerts raised', esc(r.drift_alerts)],
  ];
  if (r.error) facts.push(['Error', `${r.error.code ? `<code>${esc(r.error.code)}</code> ` : ''}${esc(r.error.message)}${r.error.hint ? `<br><span class="muted">${esc(r.error.hint)}</span>` : ''}`]);
  return layout(ctx, '/runs', `Run ${r.run_id}`, `<dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl><h2>Files that need attention</h2>${attentionTable(ctx, r.files)}`);
}

export function streamsPage(ctx: PageContext, streams: StreamView[]): Page {
  const body = streams
    .map((s) => {
      const by: Record<string, number> = {};
      for (const f of s.files) by[f.status] = (by[f.status] ?? 0) + 1;
      const counts = Object.entries(by).map(([k, v]) => `${badge(k)} ${v}`).join(' ') || '<span class="muted">no files yet</span>';
      const checkpoint = s.last_checkpoint ? (ctx.clear ? `<span class="mono">${esc(s.last_checkpoint)}</span>` : '<span class="muted">(hidden: privacy.clear_names is off)</span>') : '-';
      const needs = s.files.filter((f) => f.status !== 'committed');
      const rows = needs.map((f) => [
        fileName(ctx, f),
        badge(f.status),
        `${f.error ? `<code>${esc(f.error.code)}</code> ${esc(f.error.message)}${f.error.line ? ` <span class="muted">(line ${esc(f.error.line)})</span>` : ''}${f.error.hint ? `<br><span class="muted">${esc(f.error.hint)}</span>` : ''}` : ''}${f.drift_alert_ids?.length ? f.drift_alert_ids.map((id) => link(alertHref(id), `review ${id}`)).join(' ') : ''}`,
        esc(f.at.slice(0, 19).replace('T', ' ')),
      ]);
      const next = s.planError
        ? `<p role="alert">The landing could not be listed: ${esc(s.planError)}</p>`
        : table('What the next run would do with the files it does not skip', ['File', 'Next run', 'Why'], s.next.map((n) => [fileName(ctx, n), badge(n.action), esc(n.reason)]), 'The next run has nothing new to read.');
      return `<h2 id="${esc(s.id)}">${esc(s.id)}</h2>
<dl class="facts"><dt>Files by status</dt><dd>${counts}</dd><dt>Last checkpoint</dt><dd>${checkpoint}</dd>${s.updated_at ? `<dt>Updated</dt><dd>${esc(s.updated_at)}</dd>` : ''}</dl>
<h3>Failed, quarantined and refused files</h3>
${table('Files not committed', ['File', 'Status', 'Error or alert', 'Since (UTC)'], rows, 'None.')}
<h3>Pending and new files</h3>
${next}`;
    })
    .join('');
  return layout(ctx, '/streams', 'Streams', body || '<p class="muted">No streams configured.</p>');
}
