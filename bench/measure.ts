/**
 * Running one measured command: a child `node` process, timed from spawn to exit by the runner, its
 * peak RSS taken from what the child reports about itself (process.resourceUsage().maxRSS, or the
 * connector's max_rss_bytes) and cross-checked by polling /proc/<pid>/status VmHWM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Spawn to exit, seconds. */
  wall_s: number;
  stdout: string;
  stderr: string;
  /** Highest VmHWM seen while polling, bytes (0 when /proc is not available). */
  polled_hwm_bytes: number;
  timed_out: boolean;
}

const KEEP = 1 << 20;
let current: ChildProcess | undefined;

/** The child being measured, so that SIGINT can stop it (and only it). */
export function currentChild(): ChildProcess | undefined {
  return current;
}

function readHwm(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export function runNode(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ProcResult> {
  return runProc(process.execPath, args, opts);
}

/** Any program, timed from spawn to exit, its peak RSS polled from /proc. */
export function runProc(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ProcResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let hwm = 0;
    let timedOut = false;
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    let wall = 0;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const poll = setInterval(() => {
      if (child.pid) hwm = Math.max(hwm, readHwm(child.pid));
    }, 100);
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      stdout += d;
      if (stdout.length > 2 * KEEP) stdout = stdout.slice(-KEEP);
    });
    child.stderr.on('data', (d: string) => {
      stderr += d;
      if (stderr.length > 2 * KEEP) stderr = stderr.slice(-KEEP);
    });
    child.on('error', (e) => {
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      current = undefined;
      reject(e);
    });
    child.on('exit', (code, signal) => {
      wall = Number(process.hrtime.bigint() - t0) / 1e9;
      exit = { code, signal };
      clearInterval(poll);
    });
    child.on('close', () => {
      if (timer) clearTimeout(timer);
      current = undefined;
      resolve({ code: exit?.code ?? null, signal: exit?.signal ?? null, wall_s: wall, stdout, stderr, polled_hwm_bytes: hwm, timed_out: timedOut });
    });
  });
}

/** The last non-empty stdout line parsed as JSON, or undefined. */
export function lastJson(stdout: string): Record<string, unknown> | undefined {
  const lines = stdout.trimEnd().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!.trim();
    if (!l) continue;
    try {
      const v = JSON.parse(l) as unknown;
      return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
