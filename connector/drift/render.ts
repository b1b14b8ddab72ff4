import { describeType, type DriftAlert } from './types.js';

/** `drift show`: an alert as a person reads it, coloured on a TTY. */
export function renderAlert(a: DriftAlert, c: (code: number, s: string) => string = (_n, s) => s): string {
  const lines: string[] = [];
  const sev = a.severity === 'breaking' ? c(31, 'breaking') : c(33, 'compatible');
  lines.push(`${c(1, `Alert ${a.id}`)}  ${a.status}, ${sev}, action: ${a.action}`);
  lines.push(`Stream ${a.stream_id}, entity ${a.entity}${a.kind === 'entity_added' ? ' (new entity)' : ''}`);
  lines.push(`File ${a.file.file_id}${a.file.path ? ` (${a.file.path})` : ''}, sha256 ${a.file.sha256.slice(0, 16)}…, ${a.file.rows} rows`);
  lines.push(`Registered version ${a.base_version || '(none)'}${a.resolved_version ? ` → version ${a.resolved_version}` : ''}; raised ${a.created_at} by run ${a.run_id}`);
  if (a.renamed_from) lines.push(`Looks like a rename of ${a.renamed_from.entity}: ${a.renamed_from.shared_fields} of its ${a.renamed_from.of} fields are shared.`);
  lines.push('');
  if (a.changes.length) {
    const w = Math.min(40, Math.max(...a.changes.map((x) => x.field.length)));
    for (const ch of a.changes) {
      const mark = ch.kind === 'added' ? c(32, '+ added  ') : ch.kind === 'removed' ? c(31, '- removed') : ch.kind === 'type_changed' ? c(33, '~ type   ') : c(33, '~ nulls  ');
      const sevw = ch.severity === 'breaking' ? c(31, 'breaking') : 'compatible';
      lines.push(`  ${mark} ${ch.field.padEnd(w)}  ${describeType(ch.before).padEnd(28)} → ${describeType(ch.after).padEnd(28)} ${sevw}: ${ch.why}`);
      if (ch.samples?.length) lines.push(`      ${c(2, ch.kind === 'added' ? 'first values:' : 'offending values:')} ${ch.samples.map(sampleText).join(', ')}`);
    }
  } else if (a.kind === 'entity_added') {
    const fields = Object.entries(a.proposed).filter(([p]) => p.split('/').length === 2);
    for (const [p, f] of fields.slice(0, 30)) lines.push(`  ${c(32, '+')} ${p.slice(1).padEnd(36)} ${describeType(f)}`);
    if (fields.length > 30) lines.push(`  … ${fields.length - 30} more`);
  }
  lines.push('');
  lines.push(a.message);
  if (a.status === 'open') {
    lines.push('');
    lines.push(`Next: tally-connector drift accept ${a.id}   registers the new shape; a held file is ingested on the next run`);
    lines.push(`      tally-connector drift reject ${a.id}   the held file stays refused until it changes`);
  }
  return lines.join('\n');
}

/** A sample as `drift show` prints it: the value quoted (or null) and its position. */
export function sampleText(s: { value: string; type: string; line: number; row: number }): string {
  return `${s.type === 'null' ? 'null' : JSON.stringify(s.value)} (line ${s.line}, row ${s.row})`;
}
