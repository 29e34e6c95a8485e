import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox','--disable-gpu'] });
async function login(u, path, w=1366, h=768) {
  const ctx = await b.newContext({ viewport: { width: w, height: h } });
  const page = await ctx.newPage();
  page.on('pageerror', e => console.log('PAGEERR', e.message));
  await page.goto('http://127.0.0.1:8765' + path);
  await page.getByTestId('login-input').fill(u);
  await page.getByTestId('password-input').fill('x');
  await page.getByTestId('password-input').press('Enter');
  return page;
}
const p = await login('teacher', '/schedule');
await p.getByTestId('tt-day').first().waitFor();
console.log(await p.getByTestId('tt-target-name').textContent());
await p.screenshot({ path: '/tmp/ui4/t1.png' });
await p.getByTestId('tt-view-month').click(); await p.getByTestId('tt-month').waitFor();
await p.screenshot({ path: '/tmp/ui4/t2.png' });
const c = await login('coord', '/schedule/edit');
await c.getByTestId('tt-week').waitFor();
await c.getByTestId('tt-slot-2-3').getByRole('button').click();
await c.getByTestId('tt-entry-save').click();
await c.getByTestId('tt-fresh-conflicts').waitFor();
await c.screenshot({ path: '/tmp/ui4/t3.png' });
const s = await login('parent', '/schedule', 360, 740);
await s.getByTestId('tt-day').first().waitFor();
console.log(await s.getByTestId('tt-target-name').textContent(), await s.evaluate(() => document.documentElement.scrollWidth > window.innerWidth));
await s.screenshot({ path: '/tmp/ui4/t4.png' });
await b.close();
