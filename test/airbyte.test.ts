import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { CORPUS, HAVE_CORPUS, ROOT, cli, corpusFiles, rmrf, tempDir } from './helpers/index.js';

/**
 * The Airbyte protocol mode, checked against the protocol's own published definition
 * (../shared/airbyte-protocol/airbyte_protocol.yaml, compiled with ajv, nothing restated here),
 * and played the way a platform plays it: discover, configure a catalog, read, persist the last
 * STATE, land more files, read again with that state.
 */

const PROTOCOL = join(ROOT, '..', 'shared', 'airbyte-protocol', 'airbyte_protocol.yaml');
const HAVE_PROTOCOL = existsSync(PROTOCOL);
if (!HAVE_PROTOCOL) console.warn(`airbyte.test.ts: ${PROTOCOL} is absent (a clone outside the workspace): the protocol validation is skipped`);
if (!HAVE_CORPUS) console.warn('airbyte.test.ts: the Tally corpus is absent: the corpus reads are skipped');

const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
const BODY: Record<string, [string, string]> = {
  RECORD: ['record', 'AirbyteRecordMessage'],
  STATE: ['state', 'AirbyteStateMessage'],
  LOG: ['log', 'AirbyteLogMessage'],
  SPEC: ['spec', 'ConnectorSpecification'],
  CONNECTION_STATUS: ['connectionStatus', 'AirbyteConnectionStatus'],
  CATALOG: ['catalog', 'AirbyteCatalog'],
  TRACE: ['trace', 'AirbyteTraceMessage'],
};

function protocolValidator() {
  const doc = parseYaml(readFileSync(PROTOCOL, 'utf8')) as { $id: string };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema(doc);
  const get = (def: string) => ajv.getSchema(`${doc.$id}#/definitions/${def}`)!;
  const message = get('AirbyteMessage');
  const configured = get('ConfiguredAirbyteCatalog');
  /** Errors of one stdout line: not JSON, not an AirbyteMessage, or a type without its body. */
  const errors = (line: string): string | undefined => {
    let m: any;
    try {
      m = JSON.parse(line);
    } catch {
      return `not JSON: ${line.slice(0, 120)}`;
    }
    if (!message(m)) return JSON.stringify(message.errors);
    const body = BODY[m.type];
    if (!body) return `unexpected type ${m.type}`;
    if (m[body[0]] === undefined) return `${m.type} without ${body[0]}`;
    const v = get(body[1]);
    if (!v(m[body[0]])) return JSON.stringify(v.errors);
    return undefined;
  };
  return { errors, configured };
}

function jsonConfig(dir: string, extra: Record<string, unknown> = {}): string {
  const file = join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      tenant_id: 't1',
      connector_id: 'tally_file_dump',
      source: { type: 'local', path: join(dir, 'landing') },
      streams: [
        { id: 'file.local.tally.xml', pattern: '**/*.xml' },
        { id: 'file.local.tally.csv', pattern: '**/*.csv' },
      ],
      state: { type: 'local', path: join(dir, 'state') },
      sink: { type: 'ndjson', path: join(dir, 'out') },
      log_level: 'warn',
      privacy: { clear_names: true },
      ...extra,
    }),
  );
  return file;
}

function configuredCatalog(catalog: any, mode: 'incremental' | 'full_refresh', pick: (s: any) => boolean = () => true) {
  return {
    streams: catalog.streams.filter(pick).map((s: any) => ({ stream: s, sync_mode: mode, destination_sync_mode: mode === 'incremental' ? 'append_dedup' : 'overwrite', primary_key: s.source_defined_primary_key, cursor_field: s.default_cursor_field })),
  };
}

function stdoutLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.length > 0);
}

describe.skipIf(!HAVE_PROTOCOL)('airbyte: protocol messages', () => {
  let v: ReturnType<typeof protocolValidator>;
  let dir: string;
  beforeAll(() => {
    v = protocolValidator();
    dir = tempDir();
    mkdirSync(join(dir, 'landing', 'csv'), { recursive: true });
    copyFileSync(join(ROOT, 'examples', 'landing', 'csv', 'trn_voucher.csv'), join(dir, 'landing', 'csv', 'trn_voucher.csv'));
  });
  afterAll(() => rmrf(dir));

  it('the validator is not a rubber stamp: a RECORD without emitted_at, a LOG with a bad level and a TRACE with an unknown failure type fail it', () => {
    expect(v.errors(JSON.stringify({ type: 'RECORD', record: { stream: 's', data: {} } }))).toMatch(/emitted_at/);
    expect(v.errors(JSON.stringify({ type: 'LOG', log: { level: 'LOUD', message: 'x' } }))).toBeDefined();
    expect(v.errors(JSON.stringify({ type: 'TRACE', trace: { type: 'ERROR', emitted_at: 1, error: { message: 'x', failure_type: 'oops' } } }))).toBeDefined();
    expect(v.errors(JSON.stringify({ type: 'RECORD', record: { stream: 's', data: {}, emitted_at: 1 } }))).toBeUndefined();
  });

  it('spec: one SPEC message whose connectionSpecification is the config schema', async () => {
    const r = await cli(['airbyte', 'spec']);
    expect(r.code).toBe(0);
    const lines = stdoutLines(r.stdout);
    expect(lines).toHaveLength(1);
    expect(v.errors(lines[0]!)).toBeUndefined();
    const spec = JSON.parse(lines[0]!).spec;
    expect(spec.connectionSpecification).toEqual(JSON.parse(readFileSync(join(ROOT, 'schemas', 'config.schema.json'), 'utf8')));
    expect(spec.supportsIncremental).toBe(true);
  });

  it('check: SUCCEEDED on a reachable landing; FAILED with the reason (exit 0) on a missing folder and on a config that is not valid', async () => {
    const ok = await cli(['airbyte', 'check', '--config', jsonConfig(dir)]);
    expect(ok.code).toBe(0);
    expect(stdoutLines(ok.stdout).map(v.errors)).toEqual([undefined]);
    expect(ok.lines[0].connectionStatus.status).toBe('SUCCEEDED');

    const missingDir = tempDir();
    try {
      const missing = await cli(['airbyte', 'check', '--config', jsonConfig(missingDir)]);
      expect(missing.code).toBe(0);
      expect(stdoutLines(missing.stdout).map(v.errors)).toEqual([undefined]);
      expect(missing.lines[0].connectionStatus).toMatchObject({ status: 'FAILED' });
      expect(missing.lines[0].connectionStatus.message).toMatch(/landing|folder|not found|ENOENT|no such/i);
      writeFileSync(join(missingDir, 'bad.json'), JSON.stringify({ tenant_id: 't1' }));
      const bad = await cli(['airbyte', 'check', '--config', join(missingDir, 'bad.json')]);
      expect(bad.code).toBe(0);
      expect(bad.lines[0].connectionStatus.status).toBe('FAILED');
      expect(bad.lines[0].connectionStatus.message).toMatch(/connector_id|source|streams/);
    } finally {
      rmrf(missingDir);
    }
  });

  it('discover on a CSV landing names the entity from the file and header; after a run its schema is the registered one', async () => {
    const before = await cli(['airbyte', 'discover', '--config', jsonConfig(dir)]);
    expect(stdoutLines(before.stdout).map(v.errors)).toEqual([undefined]);
    const csv = before.lines[0].catalog.streams.filter((s: any) => s.namespace === 'file.local.tally.csv');
    expect(csv.map((s: any) => s.name)).toEqual(['trn_voucher']);
    expect(Object.keys(csv[0].json_schema.properties).every((k: string) => k.startsWith('_tally_'))).toBe(true);
    const run = await cli(['run', '--config', jsonConfig(dir)]);
    expect(run.code).toBe(0);
    const after = await cli(['airbyte', 'discover', '--config', jsonConfig(dir)]);
    const reg = after.lines[0].catalog.streams.find((s: any) => s.namespace === 'file.local.tally.csv' && s.name === 'trn_voucher');
    expect(reg.json_schema.properties.voucher_number).toMatchObject({ 'x-tally-type': expect.any(String) });
    expect(reg.json_schema.properties.date['x-tally-type']).toBe('date');
  });

  it('errors are TRACE messages with a failure type: a missing config file and a catalog naming an unknown stream are config errors (exit 2)', async () => {
    const noFile = await cli(['airbyte', 'discover', '--config', join(dir, 'nope.json')]);
    expect(noFile.code).toBe(2);
    expect(stdoutLines(noFile.stdout).map(v.errors)).toEqual([undefined]);
    expect(noFile.lines[0].trace).toMatchObject({ type: 'ERROR', error: { failure_type: 'config_error' } });

    writeFileSync(join(dir, 'cc.json'), JSON.stringify({ streams: [{ stream: { name: 'vouchers', namespace: 'no.such.stream', json_schema: {}, supported_sync_modes: ['incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append' }] }));
    const unknown = await cli(['airbyte', 'read', '--config', jsonConfig(dir), '--catalog', join(dir, 'cc.json')]);
    expect(unknown.code).toBe(2);
    expect(stdoutLines(unknown.stdout).map(v.errors)).toEqual([undefined]);
    expect(unknown.lines[0].trace.error.failure_type).toBe('config_error');
    expect(unknown.lines[0].trace.error.message).toMatch(/no\.such\.stream/);

    writeFileSync(join(dir, 'state.txt'), 'not json at all');
    writeFileSync(join(dir, 'cc2.json'), JSON.stringify({ streams: [{ stream: { name: 'trn_voucher', namespace: 'file.local.tally.csv', json_schema: {}, supported_sync_modes: ['incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append' }] }));
    const badState = await cli(['airbyte', 'read', '--config', jsonConfig(dir), '--catalog', join(dir, 'cc2.json'), '--state', join(dir, 'state.txt')]);
    expect(badState.code).toBe(2);
    expect(stdoutLines(badState.stdout).map(v.errors)).toEqual([undefined]);
    expect(badState.lines[0].trace.error).toMatchObject({ failure_type: 'config_error', message: expect.stringMatching(/--state .*not JSON/) });

    const unknownSub = await cli(['airbyte', 'write']);
    expect(unknownSub.code).toBe(2);
    expect(unknownSub.lines[0].trace.error.message).toMatch(/unknown subcommand "write"/);
  });
});

describe.skipIf(!HAVE_PROTOCOL || !HAVE_CORPUS)('airbyte: the corpus, read the way a platform reads it', () => {
  let v: ReturnType<typeof protocolValidator>;
  let dir: string;
  let config: string;
  let catalog: any;
  const files = corpusFiles();
  const firstHalf = files.slice(0, Math.ceil(files.length / 2));
  const secondHalf = files.slice(firstHalf.length);
  const land = (names: string[]) => {
    for (const f of names) copyFileSync(join(CORPUS, f), join(dir, 'landing', f));
  };
  const read = async (cc: unknown, state?: string) => {
    writeFileSync(join(dir, 'configured.json'), JSON.stringify(cc));
    const args = ['airbyte', 'read', '--config', config, '--catalog', join(dir, 'configured.json')];
    if (state) args.push('--state', state);
    const r = await cli(args);
    const lines = stdoutLines(r.stdout);
    const bad = lines.map((l, i) => [i, v.errors(l)]).filter(([, e]) => e);
    expect(bad.slice(0, 3)).toEqual([]);
    return { ...r, messages: lines.map((l) => JSON.parse(l)) };
  };

  beforeAll(async () => {
    v = protocolValidator();
    dir = tempDir();
    mkdirSync(join(dir, 'landing'));
    land(files);
    config = jsonConfig(dir);
    const d = await cli(['airbyte', 'discover', '--config', config]);
    expect(d.code).toBe(0);
    const lines = stdoutLines(d.stdout);
    expect(lines.map(v.errors)).toEqual([undefined]);
    catalog = JSON.parse(lines[0]!).catalog;
  });
  afterAll(() => rmrf(dir));

  it('discover: one stream per entity (namespace = stream id), both sync modes, a source-defined cursor and _tally_record_id as primary key; the configured catalog validates', () => {
    const names = catalog.streams.map((s: any) => `${s.namespace}.${s.name}`);
    for (const e of ['vouchers', 'voucher_ledger_entries', 'ledgers', 'groups', 'stock_items']) expect(names).toContain(`file.local.tally.xml.${e}`);
    // The CSV stream has no file in this landing and patterns for CSV only: it offers no XML entity.
    expect(names.filter((n: string) => n.startsWith('file.local.tally.csv.'))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
    for (const s of catalog.streams) {
      expect(s.supported_sync_modes).toEqual(['full_refresh', 'incremental']);
      expect(s.source_defined_cursor).toBe(true);
      expect(s.source_defined_primary_key).toEqual([['_tally_record_id']]);
      expect(s.json_schema.properties._tally_record_id).toBeDefined();
    }
    expect(v.configured(configuredCatalog(catalog, 'incremental'))).toBe(true);
  });

  it('read: every message validates; records carry the record and the envelope metadata, validate against their stream schema, and a GLOBAL state follows each file', async () => {
    const r = await read(configuredCatalog(catalog, 'incremental'));
    expect(r.code).toBe(0);
    const records = r.messages.filter((m) => m.type === 'RECORD');
    expect(records.length).toBeGreaterThan(1000);
    // Compare with the connector's own read of the same landing: the same records, the same ids.
    const native = await cli(['read', '--config', config]);
    const nativeRecords = native.lines.filter((m) => m.type === 'RECORD').map((m) => m.record);
    expect(records.map((m) => m.record.data._tally_record_id).sort()).toEqual(nativeRecords.map((e: any) => e.record_id).sort());
    const byId = new Map(nativeRecords.map((e: any) => [e.record_id, e]));
    for (const m of records.slice(0, 500)) {
      const env: any = byId.get(m.record.data._tally_record_id);
      expect(m.record.namespace).toBe(env.stream_id);
      expect(m.record.stream).toBe(env.entity);
      for (const [k, val] of Object.entries(env.record)) expect(m.record.data[k]).toEqual(val);
      expect(m.record.data._tally_source).toEqual(env.source);
      expect(m.record.data._tally_schema_version).toBe(env.schema_version);
    }
    // Each record validates against the schema discover gave its stream.
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const schemas = new Map(catalog.streams.map((s: any) => [`${s.namespace}.${s.name}`, ajv.compile(s.json_schema)]));
    for (const m of records) {
      const check: any = schemas.get(`${m.record.namespace}.${m.record.stream}`);
      expect(check, `${m.record.namespace}.${m.record.stream} is in the catalog`).toBeDefined();
      if (!check(m.record.data)) throw new Error(`${m.record.stream}: ${JSON.stringify(check.errors).slice(0, 400)}`);
    }
    const states = r.messages.filter((m) => m.type === 'STATE');
    expect(states.length).toBe(files.length + 1); // one per file, one at the end
    for (const s of states) expect(s.state.type).toBe('GLOBAL');
    // After a file's state comes no record of that file.
    const seenState = new Set<string>();
    for (const m of r.messages) {
      if (m.type === 'STATE') for (const p of Object.keys(m.state.global.shared_state.streams['file.local.tally.xml']?.files ?? {})) seenState.add(p);
      if (m.type === 'RECORD') expect(seenState.has(m.record.data._tally_source.path)).toBe(false);
    }
    const statuses = r.messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS');
    expect(statuses.filter((m) => m.trace.stream_status.status === 'STARTED')).toHaveLength(catalog.streams.length);
    expect(statuses.filter((m) => m.trace.stream_status.status === 'COMPLETE')).toHaveLength(catalog.streams.length);
    expect(statuses.some((m) => m.trace.stream_status.status === 'RUNNING')).toBe(true);
  });

  it('plays the platform: persist the last STATE, land more files, read again: only the new files come; the union has every record once; full_refresh reads everything again', async () => {
    const all = (await read(configuredCatalog(catalog, 'incremental'))).messages.filter((m) => m.type === 'RECORD').map((m) => m.record.data._tally_record_id as string);
    rmrf(join(dir, 'landing'));
    mkdirSync(join(dir, 'landing'));
    land(firstHalf);
    const first = await read(configuredCatalog(catalog, 'incremental'));
    expect(first.code).toBe(0);
    const states = first.messages.filter((m) => m.type === 'STATE');
    // What Airbyte persists and passes back: the last state message(s), as an array.
    writeFileSync(join(dir, 'state.json'), JSON.stringify([states[states.length - 1].state]));
    land(secondHalf);
    const second = await read(configuredCatalog(catalog, 'incremental'), join(dir, 'state.json'));
    expect(second.code).toBe(0);
    const paths = (r: typeof first) => new Set(r.messages.filter((m) => m.type === 'RECORD').map((m) => m.record.data._tally_source.path));
    expect([...paths(first)].sort()).toEqual([...firstHalf].sort());
    expect([...paths(second)].sort()).toEqual([...secondHalf].sort());
    const union = [...first.messages, ...second.messages].filter((m) => m.type === 'RECORD').map((m) => m.record.data._tally_record_id as string);
    expect(new Set(union).size).toBe(union.length);
    expect(union.sort()).toEqual(all.sort());
    // The last state of the second read knows every file, the first read's ones too.
    const last = second.messages.filter((m) => m.type === 'STATE').pop();
    expect(Object.keys(last.state.global.shared_state.streams['file.local.tally.xml'].files).sort()).toEqual([...files].sort());
    // A third read with that state: nothing new, no record, a state again.
    writeFileSync(join(dir, 'state2.json'), JSON.stringify([last.state]));
    const third = await read(configuredCatalog(catalog, 'incremental'), join(dir, 'state2.json'));
    expect(third.messages.filter((m) => m.type === 'RECORD')).toHaveLength(0);
    expect(third.messages.filter((m) => m.type === 'STATE')).toHaveLength(1);
    // full_refresh ignores the state for its stream.
    const full = await read(configuredCatalog(catalog, 'full_refresh'), join(dir, 'state2.json'));
    expect(full.messages.filter((m) => m.type === 'RECORD').length).toBe(all.length);
  });

  it('a catalog that selects some entities gets only their records', async () => {
    const r = await read(configuredCatalog(catalog, 'incremental', (s) => s.namespace === 'file.local.tally.xml' && s.name === 'ledgers'));
    const recs = r.messages.filter((m) => m.type === 'RECORD');
    expect(recs.length).toBeGreaterThan(0);
    expect(new Set(recs.map((m) => m.record.stream))).toEqual(new Set(['ledgers']));
    expect(r.messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS').map((m) => m.trace.stream_status.stream_descriptor.name)).toEqual(['ledgers', 'ledgers', 'ledgers']);
  });

  it('a broken file: its records are not sent, the others are; it is logged with its position, left out of the state, and the sync ends with a config_error TRACE (exit 4)', async () => {
    writeFileSync(join(dir, 'landing', 'broken.xml'), '<ENVELOPE><BODY><DATA><TALLYMESSAGE><VOUCHER><GUID>x</GUID><DATE>20240401</DATE>\n<AMOUNT>1</AMOUN></VOUCHER>');
    try {
      const r = await read(configuredCatalog(catalog, 'full_refresh'));
      expect(r.code).toBe(4);
      const recs = r.messages.filter((m) => m.type === 'RECORD');
      expect(recs.some((m) => m.record.data._tally_source.path === 'broken.xml')).toBe(false);
      expect(new Set(recs.map((m) => m.record.data._tally_source.path)).size).toBe(files.length);
      const errLog = r.messages.find((m) => m.type === 'LOG' && m.log.level === 'ERROR');
      expect(errLog.log.message).toMatch(/failed at (line|byte) \d+/);
      const last = r.messages.filter((m) => m.type === 'STATE').pop();
      expect(Object.keys(last.state.global.shared_state.streams['file.local.tally.xml'].files)).not.toContain('broken.xml');
      const trace = r.messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
      expect(trace).toHaveLength(1);
      expect(trace[0].trace.error.failure_type).toBe('config_error');
      expect(r.messages[r.messages.length - 1]).toBe(trace[0]);
      const xmlStatus = r.messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS' && m.trace.stream_status.stream_descriptor.namespace === 'file.local.tally.xml' && m.trace.stream_status.status === 'INCOMPLETE');
      expect(xmlStatus.length).toBeGreaterThan(0);
    } finally {
      rmrf(join(dir, 'landing', 'broken.xml'));
    }
  });
});

describe.skipIf(!HAVE_PROTOCOL)('airbyte: the image', () => {
  const dockerfile = readFileSync(join(ROOT, 'infra', 'airbyte.Dockerfile'), 'utf8');
  const lines = dockerfile.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

  it('builds on the connector image with the labels Airbyte reads, the version the package has', () => {
    expect(lines.find((l) => l.startsWith('FROM'))).toBe('FROM ${BASE}');
    expect(lines).toContain(`LABEL io.airbyte.version="${pkg.version}"`);
    expect(lines.some((l) => /^LABEL io\.airbyte\.name="[a-z0-9-]+"$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ENV AIRBYTE_ENTRYPOINT=/.test(l))).toBe(true);
  });

  it('its entrypoint, run for real, answers spec with a valid SPEC message', async () => {
    const v = protocolValidator();
    const entry = JSON.parse(lines.find((l) => l.startsWith('ENTRYPOINT'))!.replace(/^ENTRYPOINT\s+/, '')) as string[];
    expect(entry[0]).toBe('/usr/local/bin/tally-entrypoint');
    // The image's /usr/local/bin/tally-entrypoint is infra/docker-entrypoint.sh; /app is this checkout.
    const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn('sh', [join(ROOT, 'infra', 'docker-entrypoint.sh'), ...entry.slice(1), 'spec'], { env: { ...process.env, TALLY_APP_DIR: ROOT, TALLY_CONFIG_FILE: join(tempDir(), 'c.json') } });
      let s = '';
      child.stdout.on('data', (c) => (s += c));
      child.on('exit', (code) => resolve({ code, stdout: s }));
    });
    expect(out.code).toBe(0);
    const ls = stdoutLines(out.stdout);
    expect(ls.map(v.errors)).toEqual([undefined]);
    expect(JSON.parse(ls[0]!).type).toBe('SPEC');
  });
});
