import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, readOutputs, rmrf, tempDir, yamlConfig } from './helpers/index.js';

/**
 * The review console end to end: the real server (the built CLI, as a child process) over a state
 * with a quarantined file, driven in Debian's headless Chromium (installed by scripts/ensure-chromium.sh).
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve('test-artifacts', 'console');
const BIN = resolve('dist', 'connector', 'bin.js');

describe('review console in a real browser', () => {
  let dir: string;
  let cfg: string;
  let child: ChildProcess;
  let url: string;
  let base: string;
  let browser: Browser;
  let alertId: string;
  const landing = (...p: string[]) => join(dir, 'landing', ...p);
  const run = () => cli(['run', '--config', cfg]);

  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: make test installs it (scripts/ensure-chromium.sh)`).toBe(true);
    mkdirSync(ARTIFACTS, { recursive: true });
    dir = tempDir();
    mkdirSync(landing(), { recursive: true });
    cfg = join(dir, 'c.yaml');
    writeFileSync(cfg, yamlConfig(dir, '', '  - { id: file.local.tally.csv, pattern: "**/*.csv", drift: { compatible: evolve, breaking: quarantine } }'));
    writeFileSync(landing('sales_register_1.csv'), 'invoice,qty,value\nA-1,5,10.00\nA-2,7,12.50\n');
    expect((await run()).code).toBe(0);
    writeFileSync(landing('sales_register_2.csv'), 'invoice,qty,value\n' + Array.from({ length: 50 }, (_, i) => `B-${i},${i === 49 ? 'five' : i},${i}.00`).join('\n') + '\n');
    const q = await run();
    expect(q.summary).toMatchObject({ files_quarantined: 1, drift_alerts: 1 });
    alertId = q.summary.files[0].drift_alert_ids[0];

    child = spawn(process.execPath, [BIN, 'console', '--config', cfg, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    url = await new Promise<string>((res, rej) => {
      let out = '';
      const t = setTimeout(() => rej(new Error(`the console printed no address: ${out}`)), 15_000);
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/.exec(out);
        if (m) {
          clearTimeout(t);
          res(m[0]);
        }
      });
      child.once('exit', (code) => rej(new Error(`the console exited (${code}): ${out}`)));
    });
    base = url.slice(0, url.indexOf('/?token='));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    if (dir) rmrf(dir);
  });

  it('listens on loopback only and refuses a page without the token', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await browser.newPage();
    const r = await page.goto(base + '/alerts');
    expect(r!.status()).toBe(401);
    await expect(page.textContent('main')).resolves.toMatch(/needs its token/);
    const wrong = await page.goto(base + '/?token=not-the-token');
    expect(wrong!.status()).toBe(401);
    await expect(page.textContent('main')).resolves.not.toContain(alertId);
    await page.close();
  });

  it('shows the alert with its sample values, refuses forged posts, accepts it; the next run delivers the held file', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const home = await page.goto(url);
    expect(home!.status()).toBe(200);
    expect(page.url()).toBe(base + '/'); // the token went into a cookie and left the address
    expect((await page.getByRole('heading', { level: 1 }).innerText()).trim()).toBe('Overview');
    await page.screenshot({ path: join(ARTIFACTS, 'overview-desktop.png'), fullPage: true });

    // The open alert on the overview, then its page.
    await page.getByRole('link', { name: alertId }).first().click();
    await page.waitForLoadState('load');
    expect((await page.getByRole('heading', { level: 1 }).innerText()).trim()).toBe(`Alert ${alertId}`);
    const changes = page.getByRole('table');
    expect(await changes.innerText()).toContain('qty');
    expect(await changes.innerText()).toContain('integer (as text), required');
    expect(await changes.innerText()).toContain('breaking');
    expect((await page.getByRole('list', { name: 'Offending values' }).innerText()).trim()).toBe('"five" (line 51, row 50)');
    // Names are hashed: privacy.clear_names is off.
    expect(await page.locator('main').innerText()).not.toContain('sales_register_2.csv');
    await page.screenshot({ path: join(ARTIFACTS, 'alert-desktop.png'), fullPage: true });

    // Forged posts: the session cookie alone is not enough, and a form from another origin is refused.
    const cookie = (await ctx.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const forged = await fetch(`${base}/alerts/${alertId}/accept`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf=guessed', redirect: 'manual' });
    expect(forged.status).toBe(403);
    const confirmHtml = await (await fetch(`${base}/alerts/${alertId}/confirm?do=accept`, { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(confirmHtml)![1]!;
    const crossSite = await fetch(`${base}/alerts/${alertId}/accept`, { method: 'POST', headers: { cookie, origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf=${csrf}`, redirect: 'manual' });
    expect(crossSite.status).toBe(403);
    const noCookie = await fetch(`${base}/alerts/${alertId}/accept`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf=${csrf}`, redirect: 'manual' });
    expect(noCookie.status).toBe(401);
    expect((await cli(['drift', 'list', '--json', '--config', cfg])).lines[0]).toMatchObject({ id: alertId, status: 'open' });

    // Accept, with the keyboard: the link, then the confirmation's button.
    await page.getByRole('link', { name: 'Accept…' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/confirm/);
    expect((await page.getByRole('heading', { level: 1 }).innerText()).trim()).toBe(`Accept alert ${alertId}?`);
    await page.screenshot({ path: join(ARTIFACTS, 'confirm-desktop.png') });
    await page.getByRole('button', { name: 'Yes, accept it' }).click();
    await page.waitForLoadState('load');
    if (!(await page.getByRole('status').count())) throw new Error(`no notice after accepting: ${page.url()} ${await page.locator('main').innerText()}`);
    expect(await page.getByRole('status').innerText()).toContain('Accepted: version 2 is registered');
    expect((await cli(['drift', 'list', '--json', '--config', cfg])).lines[0]).toMatchObject({ id: alertId, status: 'accepted', resolved_version: 2 });

    const after = await run();
    expect(after.summary).toMatchObject({ files_processed: 1, rows_emitted: 50, drift_alerts: 0 });
    expect(readOutputs(join(dir, 'out')).filter((e) => e.envelope_version && e.record?.invoice?.startsWith('B-'))).toHaveLength(50);

    // The runs, the schema history and the streams show what happened.
    await page.getByRole('link', { name: 'Runs' }).click();
    await page.waitForLoadState('load');
    expect(await page.getByRole('table').innerText()).toContain(after.summary.run_id);
    await page.getByRole('link', { name: after.summary.run_id }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('main').innerText()).toContain('1 read');
    await page.getByRole('link', { name: 'Schemas' }).click();
    await page.waitForLoadState('load');
    // The entity's name is hashed like the file's (privacy.clear_names is off).
    await page.locator('main a[href^="/schemas/file.local.tally.csv/"]').first().click();
    await page.waitForLoadState('load');
    expect(await page.getByRole('heading', { name: 'Version 2' }).isVisible()).toBe(true);
    expect(await page.locator('main').innerText()).toContain('accepted by an engineer');
    expect(await page.getByRole('table').first().innerText()).toContain('qty');
    await page.screenshot({ path: join(ARTIFACTS, 'schema-desktop.png'), fullPage: true });
    await page.getByRole('link', { name: 'Streams' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('main').innerText()).toContain('file.local.tally.csv');
    expect(await page.locator('main').innerText()).toContain('The next run has nothing new to read.');
    await page.screenshot({ path: join(ARTIFACTS, 'streams-desktop.png'), fullPage: true });

    // Nothing was fetched from anywhere but the console.
    expect(requests.filter((u) => !u.startsWith(base))).toEqual([]);
    await ctx.close();
  }, 60_000);

  it('is readable in a phone-sized window: no page wider than the screen', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await ctx.newPage();
    await page.goto(url);
    for (const path of ['/', `/alerts/${alertId}`, '/runs', '/streams']) {
      await page.goto(base + path);
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow as number, path).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(ARTIFACTS, `phone${path.replace(/\//g, '_') || '_'}.png`), fullPage: true });
    }
    await ctx.close();
  }, 60_000);
});
