import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../connector/config.js';
import { APP_CONTEXT, createApp, settingsFrom } from '../infra/app.js';
import { BATCH_COMMAND, MAX_BATCH_INPUT_BYTES, RUN_COMMAND, TallyConnectorStack, type TallyConnectorStackProps } from '../infra/stack.js';
import { ROOT, rmrf } from './helpers/index.js';

/**
 * infra/: the CDK app synthesised offline (no Docker, no AWS call) and checked with
 * aws-cdk-lib/assertions; the Dockerfile read as text; the image's entrypoint script run for real.
 */

const IMAGE = '111122223333.dkr.ecr.ap-south-1.amazonaws.com/tally-connector:0.1.0';
let outdir: string;
let template: Template;
let json: any;
let stack: TallyConnectorStack;
let synthError: Error | undefined;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'tc-cdk-'));
  try {
    // The app exactly as infra/app.ts builds it (feature flags included), with test settings.
    ({ stack } = createApp({
      outdir,
      env: {},
      context: { tenantId: 't1', image: IMAGE, schedule: 'rate(30 minutes)', landingPrefix: 'tally/t1', retentionDays: '45', batchSize: '25', maxConcurrency: '8' },
    }));
    template = Template.fromStack(stack);
    json = template.toJSON();
  } catch (e) {
    // Every stack test then fails with this error (vitest would only mark them skipped if beforeAll threw).
    synthError = e as Error;
  }
});
afterAll(() => {
  // Synthesis writes the assembly (and CDK's validation-report.json) into the app's outdir.
  if (outdir) rmrf(outdir);
});

const resources = (type: string): Array<[string, any]> => Object.entries(json.Resources as Record<string, any>).filter(([, r]) => r.Type === type);
const logicalId = (type: string, prefix: string): string => {
  const hit = resources(type).find(([id]) => id.startsWith(prefix));
  if (!hit) throw new Error(`no ${type} whose id starts with ${prefix}`);
  return hit[0];
};

/** Resolve an Fn::Join of strings and intrinsics to a string, tokens replaced by readable placeholders. */
function flatten(v: any): string {
  if (typeof v === 'string') return v;
  if (v?.Ref) return v.Ref === 'AWS::Partition' ? 'aws' : v.Ref === 'AWS::Region' ? 'ap-south-1' : `<ref:${v.Ref}>`;
  if (v?.['Fn::GetAtt']) return `<${v['Fn::GetAtt'].join('.')}>`;
  if (v?.['Fn::Join']) return (v['Fn::Join'][1] as any[]).map(flatten).join(v['Fn::Join'][0]);
  throw new Error('cannot flatten ' + JSON.stringify(v));
}

function stateMachineDefinition(): { raw: any; def: any } {
  const [[, sm]] = resources('AWS::StepFunctions::StateMachine') as [[string, any]];
  const raw = sm.Properties.DefinitionString;
  return { raw, def: JSON.parse(flatten(raw)) };
}

function taskContainer(): any {
  const [[, td]] = resources('AWS::ECS::TaskDefinition') as [[string, any]];
  return td.Properties.ContainerDefinitions[0];
}

function statementsOfRole(rolePrefix: string): any[] {
  const role = logicalId('AWS::IAM::Role', rolePrefix);
  return resources('AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === role))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}
const asList = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

describe('infra: the CDK stack (synthesised offline)', () => {
  beforeEach(() => {
    if (synthError) throw new Error(`the stack did not synthesise, so this test cannot run: ${synthError.stack ?? synthError.message}`);
  });

  it('encrypts every bucket with the rotating KMS key (bucket keys on), blocks public access, versions them', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const keyId = logicalId('AWS::KMS::Key', 'DataKey');
    const buckets = resources('AWS::S3::Bucket');
    expect(buckets.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['Landing', 'Output', 'Registry']);
    for (const [id, b] of buckets) {
      const p = b.Properties;
      expect(p.BucketEncryption.ServerSideEncryptionConfiguration, id).toEqual([
        { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } },
      ]);
      expect(p.PublicAccessBlockConfiguration, id).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(p.VersioningConfiguration, id).toEqual({ Status: 'Enabled' });
      expect(b.DeletionPolicy, id).toBe('Retain');
    }
  });

  it('each bucket policy denies requests without TLS (and below TLS 1.2)', () => {
    for (const [id] of resources('AWS::S3::Bucket')) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          ]),
        },
      });
    }
  });

  it('lifecycle: landed files expire after the retention, old versions and stale multipart uploads are cleaned up', () => {
    const rules = (prefix: string) => resources('AWS::S3::Bucket').find(([id]) => id.startsWith(prefix))![1].Properties.LifecycleConfiguration.Rules as any[];
    expect(rules('Landing')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Id: 'expire-landed-files', Prefix: 'tally/t1/', ExpirationInDays: 45, Status: 'Enabled' }),
        expect.objectContaining({ Id: 'housekeeping', NoncurrentVersionExpiration: { NoncurrentDays: 7 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 }, Status: 'Enabled' }),
      ]),
    );
    for (const b of ['Registry', 'Output']) {
      expect(rules(b)).toEqual([expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 }, NoncurrentVersionExpiration: expect.any(Object) })]);
      expect(rules(b)[0].ExpirationInDays).toBeUndefined(); // checkpoints and outputs are never expired by age
    }
  });

  it('the backfill state machine: a Distributed Map over the landing listing, in batches, writing results, running the connector per batch', () => {
    const { raw, def } = stateMachineDefinition();
    // The literal definition, as the brief asks: DISTRIBUTED mode, and a partition-agnostic ItemReader.
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionString: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"Mode":"DISTRIBUTED"')])] },
    });
    const parts: any[] = raw['Fn::Join'][1];
    const readerAt = parts.findIndex((p) => typeof p === 'string' && p.startsWith(':states:::s3:listObjectsV2'));
    expect(readerAt).toBeGreaterThan(0);
    expect(parts[readerAt - 1]).toEqual({ Ref: 'AWS::Partition' });

    const map = def.States[def.StartAt];
    expect(map.Type).toBe('Map');
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    expect(map.ItemReader).toEqual({ Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: `<ref:${logicalId('AWS::S3::Bucket', 'Landing')}>`, Prefix: 'tally/t1/' } });
    expect(map.ItemSelector).toEqual({ 'Key.$': '$$.Map.Item.Value.Key' });
    expect(map.ItemBatcher).toEqual({ MaxItemsPerBatch: 25, MaxInputBytesPerBatch: MAX_BATCH_INPUT_BYTES });
    expect(map.MaxConcurrency).toBe(8);
    expect(map.ToleratedFailurePercentage).toBe(5);
    // ResultWriterV2 survives only with the feature flag the app sets.
    expect(map.ResultWriter).toEqual({ Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: `<ref:${logicalId('AWS::S3::Bucket', 'Registry')}>`, Prefix: 'backfill-results/' } });

    const task = map.ItemProcessor.States[map.ItemProcessor.StartAt];
    expect(task.Resource).toBe('arn:aws:states:::ecs:runTask.sync'); // RUN_JOB: waits for the task to stop
    expect(task.Parameters.LaunchType).toBe('FARGATE');
    expect(task.Parameters.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBeUndefined();
    expect(task.Parameters.Overrides.ContainerOverrides).toEqual([
      { Name: 'connector', Command: ['run', '--config', '/etc/tally/config.json', '--only-env', 'BATCH'], Environment: [{ Name: 'BATCH', 'Value.$': 'States.JsonToString($.Items)' }] },
    ]);
    expect(BATCH_COMMAND).toEqual(['run', '--config', '/etc/tally/config.json', '--only-env', 'BATCH']);
    // A failed batch (exit 4 and the like) is retried with backoff and jitter.
    expect(task.Retry).toEqual(expect.arrayContaining([expect.objectContaining({ ErrorEquals: ['States.TaskFailed', 'States.Timeout'], MaxAttempts: 2, BackoffRate: 2, JitterStrategy: 'FULL' })]));
    expect(task.TimeoutSeconds).toBe(6 * 3600);
    expect(Object.keys(task.ResultSelector).sort()).toEqual(['ExitCodes.$', 'StopCode.$', 'TaskArn.$']);
  });

  it('the batch format the state machine sends is what `run --only-env BATCH` reads', async () => {
    // States.JsonToString($.Items) of the batcher's {"Items": [{"Key": ...}]}: keys carry the landing prefix.
    const { onlyKeys } = await import('../connector/run/selection.js');
    const cfg = resolveConfig({ ...connectorConfig(), source: { type: 's3', bucket: 'landing-bkt', prefix: 'tally/t1/' } }, '<inline>');
    const batch = JSON.stringify([{ Key: 'tally/t1/daybook/a.xml' }, { Key: 'tally/t1/csv/trn_voucher.csv' }]);
    expect([...onlyKeys(undefined, 'BATCH', { BATCH: batch }, cfg)].sort()).toEqual(['csv/trn_voucher.csv', 'daybook/a.xml']);
  });

  it('a Fargate task of 2 vCPU / 4 GiB runs the image with the connector config in TALLY_CONFIG_JSON, logging to CloudWatch with a retention', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '2048', Memory: '4096', NetworkMode: 'awsvpc', RequiresCompatibilities: ['FARGATE'] });
    const c = taskContainer();
    expect(c.Image).toBe(IMAGE);
    expect(c.Command).toEqual(RUN_COMMAND);
    expect(c.LogConfiguration.LogDriver).toBe('awslogs');
    expect(c.LogConfiguration.Options['awslogs-group']).toEqual({ Ref: logicalId('AWS::Logs::LogGroup', 'ConnectorLogs') });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    // The config is a valid connector config (checked with the connector's own validator): S3 landing
    // prefix, registries and sink in the stack's buckets, SSE-KMS under the stack's key.
    const config = connectorConfig();
    const resolved = resolveConfig(config, '<inline>');
    const ref = (p: string) => `<ref:${logicalId('AWS::S3::Bucket', p)}>`;
    const keyArn = `<${logicalId('AWS::KMS::Key', 'DataKey')}.Arn>`;
    expect(resolved.source).toMatchObject({ type: 's3', bucket: ref('Landing'), prefix: 'tally/t1/', region: 'ap-south-1' });
    expect(resolved.state).toMatchObject({ type: 's3', bucket: ref('Registry'), prefix: 'state', kms_key_id: keyArn });
    expect(resolved.schema_registry).toMatchObject({ type: 's3', bucket: ref('Registry'), prefix: 'schemas', kms_key_id: keyArn });
    expect(resolved.sink).toMatchObject({ type: 's3', bucket: ref('Output'), prefix: 'envelopes/', kms_key_id: keyArn });
    expect(resolved.dead_letter).toMatchObject({ type: 's3', bucket: ref('Output'), prefix: 'envelopes/_dead_letter/' });
    expect(resolved.tenant_id).toBe('t1');
  });

  it('the task role has least privilege: list/read only the landing prefix, its registry prefixes, write-only outputs, the data key', () => {
    const st = statementsOfRole('TaskTaskRole');
    const landing = logicalId('AWS::S3::Bucket', 'Landing');
    const registry = logicalId('AWS::S3::Bucket', 'Registry');
    const output = logicalId('AWS::S3::Bucket', 'Output');
    const byBucket = (id: string) => st.filter((s) => JSON.stringify(s.Resource).includes(`"${id}"`));
    const res = (s: any) => asList(s.Resource).map(flatten);

    expect(byBucket(landing).map((s) => [s.Action, res(s), s.Condition ?? null])).toEqual([
      ['s3:ListBucket', [`<${landing}.Arn>`], { StringLike: { 's3:prefix': ['tally/t1/*'] } }],
      ['s3:GetObject', [`<${landing}.Arn>/tally/t1/*`], null],
    ]);
    expect(byBucket(registry).map((s) => [s.Action, res(s), s.Condition ?? null])).toEqual([
      ['s3:ListBucket', [`<${registry}.Arn>`], { StringLike: { 's3:prefix': ['state/*', 'schemas/*'] } }],
      [['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [`<${registry}.Arn>/state/*`, `<${registry}.Arn>/schemas/*`], null],
    ]);
    expect(byBucket(output).map((s) => [s.Action, res(s)])).toEqual([[['s3:PutObject', 's3:AbortMultipartUpload'], [`<${output}.Arn>/envelopes/*`]]]);
    expect(st.find((s) => asList(s.Action).some((a: string) => a.startsWith('kms:')))).toMatchObject({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: { 'Fn::GetAtt': [logicalId('AWS::KMS::Key', 'DataKey'), 'Arn'] },
    });
    expect(st).toHaveLength(6);

    // Nowhere in the stack: s3:* allowed, or any S3 or KMS action allowed on every resource.
    for (const [id, p] of resources('AWS::IAM::Policy')) {
      for (const s of p.Properties.PolicyDocument.Statement) {
        if (s.Effect !== 'Allow') continue;
        const actions = asList(s.Action) as string[];
        expect(actions, id).not.toContain('s3:*');
        expect(actions.some((a) => a === '*' || a === 'kms:*'), id).toBe(false);
        if (asList(s.Resource).includes('*')) expect(actions.filter((a) => a.startsWith('s3:') || a.startsWith('kms:')), id).toEqual([]);
      }
    }
    // The execution role pulls only the connector's repository.
    const exec = statementsOfRole('TaskExecutionRole');
    expect(exec.find((s) => s.Sid === 'PullConnectorImage').Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:ap-south-1:111122223333:repository/tally-connector']] });
  });

  it('an EventBridge rule runs the connector on the schedule: one Fargate task, whole landing, no public IP', () => {
    const [[, rule]] = resources('AWS::Events::Rule') as [[string, any]];
    expect(rule.Properties.ScheduleExpression).toBe('rate(30 minutes)');
    expect(rule.Properties.State).toBe('ENABLED');
    const [target] = rule.Properties.Targets;
    expect(target.EcsParameters).toMatchObject({ LaunchType: 'FARGATE', TaskCount: 1, NetworkConfiguration: { AwsVpcConfiguration: { AssignPublicIp: 'DISABLED' } } });
    expect(target.RetryPolicy).toMatchObject({ MaximumRetryAttempts: 2 });
    expect(JSON.parse(target.Input)).toEqual({ containerOverrides: [{ name: 'connector', command: RUN_COMMAND }] });
  });

  it('the network is isolated: no NAT or internet gateway; S3 by gateway endpoint, ECR and Logs by interface endpoints; tasks may only send HTTPS', () => {
    expect(resources('AWS::EC2::NatGateway')).toEqual([]);
    expect(resources('AWS::EC2::InternetGateway')).toEqual([]);
    const endpoints = resources('AWS::EC2::VPCEndpoint').map(([, e]) => [e.Properties.VpcEndpointType, flatten(e.Properties.ServiceName)]);
    expect(endpoints.sort()).toEqual([
      ['Gateway', 'com.amazonaws.ap-south-1.s3'],
      ['Interface', 'com.amazonaws.ap-south-1.ecr.api'],
      ['Interface', 'com.amazonaws.ap-south-1.ecr.dkr'],
      ['Interface', 'com.amazonaws.ap-south-1.logs'],
    ]);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('Tally connector tasks'),
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: Match.anyValue() }],
      SecurityGroupIngress: Match.absent(),
    });
  });

  it('outputs the bucket names, the state machine ARN and the key', () => {
    const outputs = Object.keys(json.Outputs ?? {});
    for (const o of ['LandingBucketName', 'RegistryBucketName', 'OutputBucketName', 'BackfillStateMachineArn', 'DataKeyArn']) expect(outputs).toContain(o);
    template.hasOutput('BackfillStateMachineArn', { Value: { Ref: logicalId('AWS::StepFunctions::StateMachine', 'BackfillStateMachine') } });
  });

  it('refuses settings that cannot work: a non-ECR image (no internet in the subnets), a bad schedule, no retention', () => {
    const base: TallyConnectorStackProps = { tenantId: 't1', image: IMAGE, schedule: 'rate(1 hour)', landingPrefix: 'x/', retentionDays: 30, batchSize: 10, maxConcurrency: 2 };
    let n = 0;
    // An explicit outdir: an App without one makes a temp cdk.out* folder of its own and leaves it.
    const make = (p: Partial<TallyConnectorStackProps>) => () => new TallyConnectorStack(new App({ context: APP_CONTEXT, outdir: join(outdir, `v${n++}`) }), 'S', { ...base, ...p });
    expect(make({ image: 'docker.io/library/node:20' })).toThrow(/not an ECR image URI/);
    expect(make({ schedule: 'every hour' })).toThrow(/not an EventBridge schedule expression/);
    expect(make({ retentionDays: 0 })).toThrow(/retentionDays/);
    expect(make({ landingPrefix: 'a/../b' })).toThrow(/\.\./);
    expect(make({})).not.toThrow();
  });

  it('reads its settings from CDK context, then TALLY_* environment variables, with defaults', () => {
    const env: Record<string, string> = { TALLY_TENANT_ID: 'acme', TALLY_BATCH_SIZE: '100', TALLY_LANDING_PREFIX: 'in/acme/' };
    const s = settingsFrom((k) => (k === 'maxConcurrency' ? '3' : env['TALLY_' + k.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase()]));
    expect(s).toMatchObject({ stackName: 'tally-connector-acme', tenantId: 'acme', batchSize: 100, maxConcurrency: 3, landingPrefix: 'in/acme/', retentionDays: 90, schedule: 'rate(1 hour)' });
    expect(() => settingsFrom((k) => (k === 'batchSize' ? 'many' : undefined))).toThrow(/batchSize/);
    expect(APP_CONTEXT['@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2']).toBe(true);
  });
});

function connectorConfig(): any {
  const env = taskContainer().Environment.find((e: any) => e.Name === 'TALLY_CONFIG_JSON');
  return JSON.parse(flatten(env.Value));
}

describe('infra: the container image', () => {
  const dockerfile = readFileSync(join(ROOT, 'infra', 'Dockerfile'), 'utf8');
  const lines = dockerfile.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages = () => {
    const out: string[][] = [];
    for (const l of lines) {
      if (/^FROM /i.test(l)) out.push([]);
      out[out.length - 1]?.push(l);
    }
    return out;
  };

  it('builds in two stages on node:20-bookworm-slim and runs as a non-root user', () => {
    const [build, runtime] = stages() as [string[], string[]];
    expect(stages()).toHaveLength(2);
    expect(build[0]).toMatch(/^FROM node:20-bookworm-slim AS build$/);
    expect(build).toContain('RUN npx tsc -p tsconfig.build.json');
    expect(build.some((l) => /^RUN npm ci\b/.test(l))).toBe(true);
    expect(runtime[0]).toBe('FROM node:20-bookworm-slim');
    expect(runtime.some((l) => /^RUN npm ci --omit=dev\b/.test(l))).toBe(true);
    const users = runtime.filter((l) => /^USER /.test(l));
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^USER\s+(root|0)(:|$)/);
    // USER comes before the entrypoint runs anything, and nothing switches back.
    expect(runtime.indexOf(users[0]!)).toBeLessThan(runtime.findIndex((l) => l.startsWith('ENTRYPOINT')));
  });

  it('copies dist/, schemas/, bin/ and package.json into the runtime image, with the entrypoint script', () => {
    const runtime = stages()[1]!;
    expect(runtime).toContain('COPY --from=build /src/dist ./dist');
    expect(runtime).toContain('COPY schemas ./schemas');
    expect(runtime).toContain('COPY bin ./bin');
    expect(runtime.some((l) => /^COPY package\.json\b/.test(l))).toBe(true);
    expect(runtime).toContain('COPY --chmod=0555 infra/docker-entrypoint.sh /usr/local/bin/tally-entrypoint');
    expect(runtime).toContain('ENTRYPOINT ["/usr/local/bin/tally-entrypoint"]');
    expect(runtime).toContain('CMD ["run", "--config", "/etc/tally/config.json"]');
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['node_modules', 'dist', '.git', 'examples']) expect(ignore).toContain(p);
  });

  it('the entrypoint writes TALLY_CONFIG_JSON to the config file (owner-only) and runs the connector with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc-entry-'));
    try {
      cpSync(join(ROOT, 'examples', 'landing'), join(dir, 'landing'), { recursive: true });
      const config = {
        tenant_id: 't1',
        connector_id: 'tally_file_dump',
        source: { type: 'local', path: join(dir, 'landing') },
        streams: [{ id: 'file.local.tally.xml', pattern: '**/*.xml' }, { id: 'file.local.tally.csv', pattern: '**/*.csv' }],
        state: { type: 'local', path: join(dir, 'state') },
        sink: { type: 'ndjson', path: join(dir, 'out') },
        log_level: 'warn',
      };
      const file = join(dir, 'etc', 'config.json');
      mkdirSync(join(dir, 'etc'));
      const r = await sh(['run', '--config', file], { TALLY_CONFIG_JSON: JSON.stringify(config), TALLY_CONFIG_FILE: file, TALLY_APP_DIR: ROOT });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(config);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
      expect(summary).toMatchObject({ command: 'run', status: 'ok', files_processed: 3, files_failed: 0 });
      expect(readdirSync(join(dir, 'out', 'tenant=t1')).sort()).toEqual(['stream=file.local.tally.csv', 'stream=file.local.tally.xml']);
    } finally {
      rmrf(dir);
    }
  });

  it('the entrypoint execs node with --max-semi-space-size=4 and the bin (no shell left behind), and leaves the file alone without TALLY_CONFIG_JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc-entry-'));
    try {
      // A stand-in `node` first on PATH that reports its pid and arguments.
      mkdirSync(join(dir, 'bin'));
      writeFileSync(join(dir, 'bin', 'node'), '#!/bin/sh\necho "pid=$$"\nfor a in "$@"; do echo "arg=$a"; done\n');
      chmodSync(join(dir, 'bin', 'node'), 0o755);
      const file = join(dir, 'config.json');
      writeFileSync(file, '{"kept":true}\n');
      const r = await sh(['run', '--config', file], { PATH: `${join(dir, 'bin')}:${process.env['PATH']}`, TALLY_CONFIG_FILE: file, TALLY_APP_DIR: '/app', TALLY_CONFIG_JSON: '' });
      expect(r.code, r.stderr).toBe(0);
      const out = r.stdout.trim().split('\n');
      expect(out.filter((l) => l.startsWith('arg=')).map((l) => l.slice(4))).toEqual(['--max-semi-space-size=4', '/app/bin/tally-connector.mjs', 'run', '--config', file]);
      expect(out[0]).toBe(`pid=${r.pid}`); // exec: node replaced the shell, signals reach the connector
      expect(readFileSync(file, 'utf8')).toBe('{"kept":true}\n');
    } finally {
      rmrf(dir);
    }
  });
});

/** Run infra/docker-entrypoint.sh with POSIX sh, as the image does. */
function sh(args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string; stderr: string; pid: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', [join(ROOT, 'infra', 'docker-entrypoint.sh'), ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, pid: child.pid! }));
  });
}
