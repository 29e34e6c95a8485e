// Shared harness of the browser end-to-end scripts (login.mjs, register.mjs):
// environment check, assertions, polling, the step runner and its output,
// Chromium launch, fresh browser contexts, axe-core, screenshots, the overall
// time limit and cleanup.
//
//   const h = createHarness({
//     name: 'login',                       // "login.mjs: …", "login: N passed, M failed"
//     required: ['PARTA_URL', …],          // all must be non-empty, else usage + exit 2
//     usage: 'PARTA_URL=… node login.mjs', // printed after "usage: "
//     overallTimeoutMs: 120_000,
//   });
//   h.run(async () => {
//     await h.launchBrowser();             // the "setup: launch chromium" step
//     const { context, page } = await h.newPage({ width: 1366, height: 768 });
//     await h.step('step 1: …', async () => { …; return 'optional note'; });
//   });
//
// Output: one line per step, "ok   LABEL (note)" or "FAIL LABEL: message"; the
// first failure stops the run. The last line is "NAME: N passed, M failed".
// Exit: 0 all steps passed; 1 a step failed, an unexpected error or the
// overall limit; 2 missing environment variables. The browser is always closed.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const STEP_TIMEOUT_MS = 15_000;
export const CYRILLIC = /[А-Яа-яЁё]/;

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

export class StepError extends Error {}

export function fail(message) {
  throw new StepError(message);
}

export function assert(cond, message) {
  if (!cond) fail(message);
}

/** Polls fn until it returns a truthy value; fails with describe() after timeout. */
export async function waitUntil(fn, describe, timeout = STEP_TIMEOUT_MS) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) fail(typeof describe === 'function' ? describe(last) : describe);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the focused element's `attr` ('id' or an attribute such as
 *  'data-testid') is `want`: pages move focus in an effect after they render,
 *  so one sample right after a click can see the old focus. */
export async function expectFocus(page, want, attr = 'id') {
  let focused = null;
  await waitUntil(async () => {
    focused = await page.evaluate((a) => (a === 'id' ? document.activeElement?.id : document.activeElement?.getAttribute(a)) ?? null, attr);
    return focused === want;
  }, () => `focus is on ${JSON.stringify(focused)}, expected ${want}`, 5000);
}

/** Fills a field until it holds `value`: a form that sets its defaults in an
 *  effect just after it opens can overwrite what was typed a moment before. */
export async function fillField(page, testId, value) {
  const field = page.getByTestId(testId);
  await waitUntil(async () => {
    if ((await field.inputValue()) === value) return true;
    await field.fill(value);
    return false;
  }, `${testId} does not keep ${JSON.stringify(value)}`);
}

export async function textOf(locator) {
  return ((await locator.textContent({ timeout: 2000 })) ?? '').replace(/\s+/g, ' ').trim();
}

/** Waits until the element is visible and its text satisfies the predicate (string = contains). */
export async function expectText(page, testId, want, what) {
  const loc = page.getByTestId(testId).first();
  const ok = typeof want === 'string' ? (s) => s.includes(want) : (s) => want.test(s);
  let seen = '(not found)';
  await waitUntil(async () => {
    if (!(await loc.isVisible())) return false;
    seen = await textOf(loc);
    return ok(seen);
  }, () => `${what}: expected [data-testid=${testId}] to show ${JSON.stringify(String(want))}, saw ${JSON.stringify(seen)}`);
  return seen;
}

export async function expectVisible(page, testId, what) {
  await waitUntil(() => page.getByTestId(testId).first().isVisible(), `${what}: [data-testid=${testId}] is not visible`);
}

export async function expectHidden(page, testId, what) {
  await waitUntil(async () => !(await page.getByTestId(testId).first().isVisible()), `${what}: [data-testid=${testId}] is still visible`);
}

/**
 * Checks the environment (exits 2 with a usage line if a required variable is
 * empty) and returns the run's state-bound helpers together with the pure ones.
 */
export function createHarness({ name, required, usage, overallTimeoutMs }) {
  const env = {};
  const missing = [];
  for (const k of required) {
    env[k] = process.env[k];
    if (!env[k]) missing.push(k);
  }
  if (missing.length) {
    console.error(`${name}.mjs: missing environment variable(s): ${missing.join(', ')}`);
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  const base = (env.PARTA_URL ?? '').replace(/\/+$/, '');
  const shotsDir = process.env.PARTA_SCREENSHOT_DIR || '';
  const chromiumPath = process.env.PARTA_CHROMIUM || '/usr/bin/chromium';
  const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

  let browser = null;
  let currentPage = null;
  let passed = 0;
  let overall = null;
  let finishing = false;

  const summary = (failed) => console.log(`${name}: ${passed} passed, ${failed} failed`);

  async function finish(code) {
    if (finishing) return;
    finishing = true;
    clearTimeout(overall);
    if (browser) await browser.close().catch(() => undefined);
    process.exit(code);
  }

  /** Saves a full-page PNG (or, with { fullPage: false }, the viewport) into PARTA_SCREENSHOT_DIR, if set. */
  async function shot(page, file, { fullPage = true } = {}) {
    if (!shotsDir) return;
    mkdirSync(shotsDir, { recursive: true });
    await page.screenshot({ path: join(shotsDir, file), fullPage });
  }

  /** Runs one step; fn may return a note. The first failure ends the run (exit 1). */
  async function step(label, fn) {
    try {
      const note = await fn();
      passed++;
      console.log(`ok   ${label}${note ? ` (${note})` : ''}`);
    } catch (e) {
      console.log(`FAIL ${label}: ${e instanceof Error ? e.message : e}`);
      if (currentPage) {
        console.log(`  at ${currentPage.url()}`);
        await shot(currentPage, 'failure.png').catch(() => undefined);
      }
      summary(1);
      await finish(1);
    }
  }

  /** Injects axe-core; fails on serious/critical violations, else returns a note. */
  async function axeCheck(page, where) {
    await page.addScriptTag({ content: axeSource });
    const results = await page.evaluate(() =>
      // eslint-disable-next-line no-undef
      window.axe.run(document, { resultTypes: ['violations'] }),
    );
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    if (bad.length) {
      const lines = bad.map(
        (v) => `    [${v.impact}] ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`,
      );
      fail(`axe found ${bad.length} serious/critical violation(s) on ${where}:\n${lines.join('\n')}`);
    }
    const minor = results.violations.length;
    return minor ? `${minor} minor/moderate finding(s), none serious` : 'no violations';
  }

  /** The "setup: launch chromium" step: headless PARTA_CHROMIUM with fixed flags. */
  async function launchBrowser() {
    await step('setup: launch chromium', async () => {
      browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
      return `${chromiumPath} ${browser.version()}`;
    });
  }

  /** A fresh, non-persistent context and page; it becomes the page reported on failure. */
  async function newPage(viewport) {
    const context = await browser.newContext({
      viewport,
      // partad may send a strict Content-Security-Policy; axe is injected as an inline script.
      bypassCSP: true,
    });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(30_000);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.log(`  (page error: ${err.message})`));
    currentPage = page;
    return { context, page };
  }

  /** Runs main under the overall time limit, prints the closing line and exits. */
  function run(main) {
    overall = setTimeout(() => {
      console.log(`FAIL overall time limit of ${overallTimeoutMs / 1000} s exceeded`);
      summary(1);
      finish(1);
    }, overallTimeoutMs);

    process.on('unhandledRejection', (e) => {
      console.log(`FAIL unexpected error: ${e?.stack || e}`);
      finish(1);
    });

    main().then(
      async () => {
        summary(0);
        await finish(0);
      },
      async (e) => {
        console.log(`FAIL unexpected error: ${e?.stack || e}`);
        summary(1);
        await finish(1);
      },
    );
  }

  return {
    env, base, run, step, launchBrowser, newPage, axeCheck, shot,
    fail, assert, waitUntil, expectFocus, fillField, textOf, expectText, expectVisible, expectHidden, CYRILLIC,
  };
}
