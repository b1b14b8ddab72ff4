import { Annotations, CfnOutput, Duration, Stack, Tags, Token, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

/**
 * One tenant's deployment of the Tally landing connector:
 *
 * - a KMS key (rotation on) that encrypts the three buckets;
 * - the landing bucket (operators drop exports under `landingPrefix`), the registry bucket (state and
 *   schema registry, backfill results) and the output bucket (envelopes and dead letters);
 * - a Fargate task definition running the connector image, configured through TALLY_CONFIG_JSON;
 * - an EventBridge rule that runs `run` on a schedule (the scheduled-export pattern: one task, `run`
 *   is incremental);
 * - a Step Functions state machine for backfills: a Distributed Map over the S3 listing of the
 *   landing prefix, batches of keys, one Fargate task per batch running `run --only-env BATCH`.
 *
 * Scheduled runs and backfills can overlap (the hybrid pattern): a file is identified by path +
 * sha256 and its output object is named by both, so two workers that read the same file write the
 * same object with the same record ids.
 */
export interface TallyConnectorStackProps extends StackProps {
  /** Tenant id: becomes the config's tenant_id and a tag on every resource. */
  tenantId: string;
  /** Connector instance id (config connector_id). Default tally_file_dump. */
  connectorId?: string;
  /**
   * The connector image, built from infra/Dockerfile and pushed to ECR in this stack's region:
   * `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>` (or `@sha256:…`). The tasks run in
   * isolated subnets that reach ECR, S3 and CloudWatch Logs through VPC endpoints only, so an image
   * from any other registry could not be pulled.
   */
  image: string;
  /** EventBridge schedule expression for the scheduled run: `rate(1 hour)`, `cron(15 * * * ? *)`. */
  schedule: string;
  /** Prefix of the landing bucket the tenant's exports land under, e.g. `tally/t1/`. */
  landingPrefix: string;
  /** Landed files (and their old versions) are deleted this many days after they land. */
  retentionDays: number;
  /** Backfill: landing keys per Fargate task (the Distributed Map's MaxItemsPerBatch). */
  batchSize: number;
  /** Backfill: Fargate tasks at once (the Distributed Map's MaxConcurrency). */
  maxConcurrency: number;
  /** Backfill: batches that may fail (after retries) before the whole backfill fails. Default 5 %. */
  toleratedFailurePercentage?: number;
  /** Streams of the connector config. Default: every XML and every CSV under the prefix. */
  streams?: Array<{ id: string; pattern: string; drift?: { compatible?: string; breaking?: string } }>;
  /** Connector log retention in CloudWatch. Default one month. */
  logRetention?: logs.RetentionDays;
  /** A backfill batch that runs longer than this is stopped and retried. Default 6 hours. */
  batchTimeout?: Duration;
}

/** Where the container reads its config (written by the entrypoint from TALLY_CONFIG_JSON). */
export const CONFIG_PATH = '/etc/tally/config.json';
export const RUN_COMMAND = ['run', '--config', CONFIG_PATH];
export const BATCH_COMMAND = ['run', '--config', CONFIG_PATH, '--only-env', 'BATCH'];
/** Prefixes in the registry and output buckets. */
export const STATE_PREFIX = 'state';
export const SCHEMAS_PREFIX = 'schemas';
export const OUTPUT_PREFIX = 'envelopes/';
export const RESULTS_PREFIX = 'backfill-results/';
/**
 * ECS RunTask accepts at most 8192 characters of overrides (JSON included). The batch travels in the
 * BATCH override as a JSON string of `{"Key": ...}` items (quotes escaped), plus the command: 6 KiB
 * of batch input leaves room for both, whatever the key lengths.
 */
export const MAX_BATCH_INPUT_BYTES = 6 * 1024;

const DEFAULT_STREAMS = [
  { id: 'file.s3.tally.xml', pattern: '**/*.xml' },
  { id: 'file.s3.tally.csv', pattern: '**/*.csv' },
];

const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._\/-]*?)(?::[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})$/;

/** `a/b` → `a/b/`; `/a` → `a/`; '' stays '' (the whole bucket). */
export function normalizeLandingPrefix(p: string): string {
  let s = p.replace(/^\/+/, '');
  if (s && !s.endsWith('/')) s += '/';
  return s;
}

export class TallyConnectorStack extends Stack {
  readonly key: kms.Key;
  readonly landing: s3.Bucket;
  readonly registry: s3.Bucket;
  readonly output: s3.Bucket;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly stateMachine: sfn.StateMachine;
  readonly schedule: events.Rule;
  readonly vpc: ec2.Vpc;

  constructor(scope: Construct, id: string, props: TallyConnectorStackProps) {
    super(scope, id, { description: `Tally landing connector for tenant ${props.tenantId}`, ...props });
    validate(props);
    const landingPrefix = normalizeLandingPrefix(props.landingPrefix);
    Tags.of(this).add('tally:tenant', props.tenantId);

    this.key = new kms.Key(this, 'DataKey', {
      description: `Tally connector data of tenant ${props.tenantId} (landing, registries, outputs)`,
      enableKeyRotation: true,
    });

    const secure: s3.BucketProps = {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      // S3 Bucket Keys: one KMS data key per bucket for a while instead of one KMS call per object.
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
    };
    this.landing = new s3.Bucket(this, 'Landing', {
      ...secure,
      lifecycleRules: [
        {
          id: 'expire-landed-files',
          ...(landingPrefix ? { prefix: landingPrefix } : {}),
          expiration: Duration.days(props.retentionDays),
        },
        {
          id: 'housekeeping',
          noncurrentVersionExpiration: Duration.days(Math.min(7, props.retentionDays)),
          abortIncompleteMultipartUploadAfter: Duration.days(2),
          expiredObjectDeleteMarker: true,
        },
      ],
    });
    this.registry = new s3.Bucket(this, 'Registry', {
      ...secure,
      // Old versions of checkpoints and schemas: a window to restore from after a bad run.
      lifecycleRules: [{ id: 'housekeeping', noncurrentVersionExpiration: Duration.days(90), abortIncompleteMultipartUploadAfter: Duration.days(2) }],
    });
    this.output = new s3.Bucket(this, 'Output', {
      ...secure,
      // The S3 sink uploads large outputs in parts; a task killed mid-upload leaves parts behind.
      lifecycleRules: [{ id: 'housekeeping', noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(2) }],
    });

    // Network: isolated subnets only (no NAT gateway, no internet route, no public IP). Everything the
    // task talks to is reached through VPC endpoints: S3 through a gateway endpoint (free), the image
    // pull (ECR API + registry) and CloudWatch Logs through interface endpoints. The connector never
    // needs the internet, and data cannot leave by any other path. Two AZs; the subnets are small.
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.80.0.0/24'),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 26 }],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    for (const [name, service] of [
      ['EcrApi', ec2.InterfaceVpcEndpointAwsService.ECR],
      ['EcrDocker', ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER],
      ['Logs', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS],
    ] as const) {
      this.vpc.addInterfaceEndpoint(name, { service, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    }
    const subnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    const taskSg = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: this.vpc,
      description: 'Tally connector tasks: no inbound; outbound HTTPS only (to the VPC endpoints)',
      allowAllOutbound: false,
    });
    taskSg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to S3, ECR and CloudWatch Logs endpoints');
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc: this.vpc });

    // The connector's config, passed whole to the container; the entrypoint writes it to CONFIG_PATH.
    const region = Stack.of(this).region;
    const kmsKeyId = this.key.keyArn;
    const connectorConfig = {
      tenant_id: props.tenantId,
      connector_id: props.connectorId ?? 'tally_file_dump',
      source: { type: 's3', bucket: this.landing.bucketName, prefix: landingPrefix, region },
      streams: props.streams ?? DEFAULT_STREAMS,
      state: { type: 's3', bucket: this.registry.bucketName, prefix: STATE_PREFIX, region, kms_key_id: kmsKeyId },
      schema_registry: { type: 's3', bucket: this.registry.bucketName, prefix: SCHEMAS_PREFIX, region, kms_key_id: kmsKeyId },
      // Dead letters default to <prefix>_dead_letter/ in the same bucket.
      sink: { type: 's3', bucket: this.output.bucketName, prefix: OUTPUT_PREFIX, region, kms_key_id: kmsKeyId },
      concurrency: 4,
      log_level: 'info',
    };

    const logGroup = new logs.LogGroup(this, 'ConnectorLogs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });
    // 2 vCPU / 4 GiB: the connector peaks under 250 MB RSS per run; the rest is headroom for the
    // staging of large outputs and for concurrency. Staging files go to the task's ephemeral storage (/tmp).
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: 2048,
      memoryLimitMiB: 4096,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    this.container = this.taskDefinition.addContainer('connector', {
      image: ecs.ContainerImage.fromRegistry(props.image),
      command: RUN_COMMAND,
      environment: { TALLY_CONFIG_JSON: Stack.of(this).toJsonString(connectorConfig) },
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'connector' }),
      // SIGTERM: the connector stops, commits nothing in flight, and exits 130; files are read again next run.
      stopTimeout: Duration.seconds(30),
    });
    grantImagePull(this.taskDefinition, props.image);
    this.grantConnector(this.taskDefinition.taskRole, landingPrefix);

    // Backfills: Distributed Map over the landing listing, batches of keys, one Fargate task each.
    const runBatch = new tasks.EcsRunTask(this, 'RunConnectorOnBatch', {
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      cluster,
      taskDefinition: this.taskDefinition,
      launchTarget: new tasks.EcsFargateLaunchTarget({ platformVersion: ecs.FargatePlatformVersion.LATEST }),
      subnets,
      securityGroups: [taskSg],
      assignPublicIp: false,
      containerOverrides: [
        {
          containerDefinition: this.container,
          command: BATCH_COMMAND,
          // The batch as the connector's --only-env expects it: a JSON array of {"Key": ...} items
          // (the landing prefix is stripped by the connector).
          environment: [{ name: 'BATCH', value: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.Items')) }],
        },
      ],
      // Keep the ECS task description (which repeats the overrides, i.e. the file names) out of the
      // results: only what says how the batch ended.
      resultSelector: { 'TaskArn.$': '$.TaskArn', 'StopCode.$': '$.StopCode', 'ExitCodes.$': '$.Containers[*].ExitCode' },
      taskTimeout: sfn.Timeout.duration(props.batchTimeout ?? Duration.hours(6)),
    });
    // A task that exits non-zero fails the state (States.TaskFailed): exit 4 (some files failed), 5
    // (landing unreachable), 6 (registry unavailable), 1. Retried with backoff; a retry re-runs the
    // batch, which skips what was committed and reads the failed transfers again. What still fails
    // counts against toleratedFailurePercentage. Throttled RunTask calls are retried too.
    runBatch.addRetry({ errors: [sfn.Errors.TASKS_FAILED, sfn.Errors.TIMEOUT], interval: Duration.seconds(60), backoffRate: 2, maxAttempts: 2, jitterStrategy: sfn.JitterType.FULL });
    runBatch.addRetry({ errors: ['ECS.AmazonECSException'], interval: Duration.seconds(5), backoffRate: 2, maxAttempts: 6, jitterStrategy: sfn.JitterType.FULL });

    const map = new sfn.DistributedMap(this, 'Backfill', {
      itemReader: new sfn.S3ObjectsItemReader({ bucket: this.landing, prefix: landingPrefix }),
      // Only the key of each listed object goes into the batch (size matters: see MAX_BATCH_INPUT_BYTES).
      itemSelector: { Key: sfn.JsonPath.stringAt('$$.Map.Item.Value.Key') },
      itemBatcher: new sfn.ItemBatcher({ maxItemsPerBatch: props.batchSize, maxInputBytesPerBatch: MAX_BATCH_INPUT_BYTES }),
      maxConcurrency: props.maxConcurrency,
      toleratedFailurePercentage: props.toleratedFailurePercentage ?? 5,
      resultWriterV2: new sfn.ResultWriterV2({ bucket: this.registry, prefix: RESULTS_PREFIX }),
      label: 'Backfill',
    });
    map.itemProcessor(runBatch);

    const sfnLogs = new logs.LogGroup(this, 'BackfillLogs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });
    this.stateMachine = new sfn.StateMachine(this, 'BackfillStateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(map),
      stateMachineType: sfn.StateMachineType.STANDARD,
      logs: { destination: sfnLogs, level: sfn.LogLevel.ERROR },
    });
    // The result writer puts objects in the KMS-encrypted registry bucket.
    this.key.grant(this.stateMachine, 'kms:GenerateDataKey', 'kms:Decrypt');

    // Scheduled exports: one task per tick over the whole landing (`run` only reads what is new).
    this.schedule = new events.Rule(this, 'ScheduledRun', {
      description: `Tally connector run for tenant ${props.tenantId}`,
      schedule: events.Schedule.expression(props.schedule),
      targets: [
        new targets.EcsTask({
          cluster,
          taskDefinition: this.taskDefinition,
          taskCount: 1,
          launchType: ecs.LaunchType.FARGATE,
          platformVersion: ecs.FargatePlatformVersion.LATEST,
          subnetSelection: subnets,
          securityGroups: [taskSg],
          assignPublicIp: false,
          containerOverrides: [{ containerName: this.container.containerName, command: RUN_COMMAND }],
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
        }),
      ],
    });

    new CfnOutput(this, 'LandingBucketName', { value: this.landing.bucketName, description: `drop exports under s3://<bucket>/${landingPrefix}` });
    new CfnOutput(this, 'RegistryBucketName', { value: this.registry.bucketName, description: 'state/ and schemas/ (checkpoints, schema registry, drift alerts), backfill-results/' });
    new CfnOutput(this, 'OutputBucketName', { value: this.output.bucketName, description: `${OUTPUT_PREFIX}tenant=<t>/stream=<s>/date=<d>/ envelopes; ${OUTPUT_PREFIX}_dead_letter/ rejected rows` });
    new CfnOutput(this, 'BackfillStateMachineArn', { value: this.stateMachine.stateMachineArn });
    new CfnOutput(this, 'DataKeyArn', { value: this.key.keyArn });
    new CfnOutput(this, 'TaskDefinitionArn', { value: this.taskDefinition.taskDefinitionArn });
  }

  /**
   * Least privilege for the connector: list and read the tenant's landing prefix only; read and
   * write its two registry prefixes; write (never read or delete) envelopes and dead letters; use
   * the data key for exactly what SSE-KMS needs (GenerateDataKey to write, Decrypt to read and to
   * complete multipart uploads).
   */
  private grantConnector(role: iam.IRole, landingPrefix: string): void {
    const add = (s: iam.PolicyStatementProps) => role.addToPrincipalPolicy(new iam.PolicyStatement(s));
    add({ sid: 'ListLandingPrefix', actions: ['s3:ListBucket'], resources: [this.landing.bucketArn], conditions: { StringLike: { 's3:prefix': [`${landingPrefix}*`] } } });
    add({ sid: 'ReadLandingPrefix', actions: ['s3:GetObject'], resources: [this.landing.arnForObjects(`${landingPrefix}*`)] });
    add({ sid: 'ListRegistry', actions: ['s3:ListBucket'], resources: [this.registry.bucketArn], conditions: { StringLike: { 's3:prefix': [`${STATE_PREFIX}/*`, `${SCHEMAS_PREFIX}/*`] } } });
    add({
      sid: 'ReadWriteRegistry',
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      resources: [this.registry.arnForObjects(`${STATE_PREFIX}/*`), this.registry.arnForObjects(`${SCHEMAS_PREFIX}/*`)],
    });
    add({ sid: 'WriteOutputs', actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [this.output.arnForObjects(`${OUTPUT_PREFIX}*`)] });
    add({ sid: 'UseDataKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [this.key.keyArn] });
  }
}

function validate(p: TallyConnectorStackProps): void {
  const fail = (m: string) => {
    throw new Error(`TallyConnectorStack: ${m}`);
  };
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(p.tenantId)) fail(`tenantId ${JSON.stringify(p.tenantId)} is not a valid tenant id`);
  if (!Number.isInteger(p.retentionDays) || p.retentionDays < 1) fail('retentionDays must be a whole number of days, at least 1');
  if (!Number.isInteger(p.batchSize) || p.batchSize < 1) fail('batchSize must be at least 1');
  if (!Number.isInteger(p.maxConcurrency) || p.maxConcurrency < 1 || p.maxConcurrency > 10_000) fail('maxConcurrency must be between 1 and 10000');
  if (!/^(rate|cron)\(.+\)$/.test(p.schedule)) fail(`schedule ${JSON.stringify(p.schedule)} is not an EventBridge schedule expression (rate(...) or cron(...))`);
  if (p.landingPrefix.split('/').includes('..')) fail('landingPrefix must not contain ..');
  if (!ECR_IMAGE.test(p.image)) {
    fail(`image ${JSON.stringify(p.image)} is not an ECR image URI (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>); the tasks run without internet access and pull through the ECR endpoints`);
  }
}

/**
 * `ContainerImage.fromRegistry` grants nothing; the execution role needs to pull from the ECR
 * repository named in the URI (GetAuthorizationToken has no resource-level permissions).
 */
function grantImagePull(td: ecs.TaskDefinition, image: string): void {
  const m = ECR_IMAGE.exec(image)!;
  const [, account, region, repository] = m as unknown as [string, string, string, string];
  const stack = Stack.of(td);
  if (!Token.isUnresolved(stack.region) && stack.region !== region) {
    Annotations.of(td).addWarning(`the image is in ${region} but the stack deploys to ${stack.region}; the ECR endpoints only reach this region's registry`);
  }
  const role = td.obtainExecutionRole();
  role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'EcrAuth', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'PullConnectorImage',
      actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
      resources: [`arn:${stack.partition}:ecr:${region}:${account}:repository/${repository}`],
    }),
  );
}
