import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
const axe = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox','--disable-gpu'] });
async function login(u, w=1366, h=768) {
  const ctx = await b.newContext({ viewport: { width: w, height: h }, bypassCSP: true });
  const page = await ctx.newPage();
  page.on('pageerror', e => console.log('PAGEERR', e.message));
  await page.goto('http://127.0.0.1:8765/me');
  await page.getByTestId('login-input').fill(u);
  await page.getByTestId('password-input').fill('x');
  await page.getByTestId('password-input').press('Enter');
  await page.getByTestId('me-name').waitFor();
  return page;
}
async function check(page, path, wait, name) {
  await page.evaluate((p) => { history.pushState(null, '', p); dispatchEvent(new PopStateEvent('popstate')); }, path);
  await page.getByTestId(wait).first().waitFor();
  await page.waitForTimeout(300);
  await page.addScriptTag({ content: axe });
  const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
  const side = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  console.log(name, path, bad.length ? bad.map(v => `${v.id} ${v.nodes.slice(0,2).map(n=>n.target.join(' '))}`).join('\n   ') : 'axe ok', side ? 'SIDEWAYS' : '');
  await page.screenshot({ path: `/tmp/ui4/ax-${name}-${path.replace(/\W/g,'_')}.png` });
}
for (const w of [1366, 360]) {
  const t = await login('teacher', w, w===360?740:768);
  await check(t, '/journal', 'jr-grid', 't'+w);
  await check(t, '/remarks', 'remark', 't'+w);
  await check(t, '/schedule', 'tt-day', 't'+w);
  const c = await login('coord', w, w===360?740:768);
  await check(c, '/control', 'ct-table', 'c'+w);
  await c.getByTestId('ct-expand').click();
  await check(c, '/control', 'ct-subrow', 'c'+w);
  await check(c, '/schedule/edit', 'tt-week', 'c'+w);
  const m = await login('ct', w, w===360?740:768);
  await check(m, '/my-class', 'mc-summary', 'm'+w);
  await m.getByTestId('mc-tab-day').click();
  await check(m, '/my-class', 'mc-day-row', 'm'+w);
  await m.getByTestId('mc-tab-turnstile').click();
  await check(m, '/my-class', 'mc-in-absent', 'm'+w);
  const p = await login('parent', w, w===360?740:768);
  await check(p, '/diary', 'di-day', 'p'+w);
}
await b.close();
