import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Annotations, App, type Environment } from 'aws-cdk-lib';
import { TallyConnectorStack, type TallyConnectorStackProps } from './stack.js';

/**
 * The CDK app: one TallyConnectorStack per tenant. Synthesises offline (no Docker, no AWS call):
 *
 *   npx tsx infra/app.ts                          # writes infra/cdk.out/
 *   cd infra && npx cdk synth -c image=...        # with the aws-cdk CLI, if installed
 *
 * Settings come from CDK context (`-c key=value`, or cdk.json), else TALLY_* environment variables,
 * else the defaults below. The image is not built here: build infra/Dockerfile and push it to ECR.
 */

/** Without it, CDK silently drops `resultWriterV2` from the Distributed Map. */
export const APP_CONTEXT = { '@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2': true } as const;

/** A placeholder image URI, so that a plain synth works; a deploy with it cannot pull anything. */
export const PLACEHOLDER_IMAGE = '000000000000.dkr.ecr.us-east-1.amazonaws.com/tally-connector:replace-me';

export function settingsFrom(get: (key: string) => string | undefined): Omit<TallyConnectorStackProps, 'env'> & { stackName: string } {
  const num = (k: string, d: number) => {
    const v = get(k);
    if (v === undefined || v === '') return d;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`${k}: ${JSON.stringify(v)} is not a number`);
    return n;
  };
  const tenantId = get('tenantId') ?? 't1';
  return {
    stackName: get('stackName') ?? `tally-connector-${tenantId}`,
    tenantId,
    image: get('image') ?? PLACEHOLDER_IMAGE,
    schedule: get('schedule') ?? 'rate(1 hour)',
    landingPrefix: get('landingPrefix') ?? `tally/${tenantId}/`,
    retentionDays: num('retentionDays', 90),
    batchSize: num('batchSize', 50),
    maxConcurrency: num('maxConcurrency', 20),
  };
}

/** Build the app (and synthesise nothing yet). `outdir` defaults to CDK_OUTDIR or infra/cdk.out. */
export function createApp(opts: { outdir?: string; context?: Record<string, unknown>; env?: NodeJS.ProcessEnv } = {}): { app: App; stack: TallyConnectorStack } {
  const env = opts.env ?? process.env;
  const outdir = opts.outdir ?? env['CDK_OUTDIR'] ?? join(dirname(fileURLToPath(import.meta.url)), 'cdk.out');
  const app = new App({ outdir, context: { ...APP_CONTEXT, ...(opts.context ?? {}) } });
  const envName = (k: string) => 'TALLY_' + k.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
  const get = (k: string): string | undefined => {
    const c = app.node.tryGetContext(k);
    return c !== undefined ? String(c) : env[envName(k)];
  };
  const settings = settingsFrom(get);
  const account = env['CDK_DEFAULT_ACCOUNT'];
  const region = env['CDK_DEFAULT_REGION'];
  const stackEnv: Environment | undefined = account || region ? { ...(account ? { account } : {}), ...(region ? { region } : {}) } : undefined;
  const stack = new TallyConnectorStack(app, settings.stackName, { ...settings, ...(stackEnv ? { env: stackEnv } : {}) });
  if (settings.image === PLACEHOLDER_IMAGE) {
    Annotations.of(stack).addWarning('image is a placeholder: pass -c image=<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag> (or TALLY_IMAGE) before deploying');
  }
  return { app, stack };
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  const { app } = createApp();
  const assembly = app.synth();
  for (const s of assembly.stacks) process.stdout.write(`${s.stackName}: ${join(assembly.directory, s.templateFile)}\n`);
}
