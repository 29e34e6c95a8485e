import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox','--disable-gpu'] });
const ctx = await b.newContext({ viewport: { width: 1366, height: 768 } });
const page = await ctx.newPage();
await page.goto('http://127.0.0.1:8765/journal');
await page.getByTestId('login-input').fill('teacher');
await page.getByTestId('password-input').fill('x');
await page.getByTestId('password-input').press('Enter');
await page.getByTestId('input-jr-month').selectOption('2026-11');
await page.getByTestId('jr-in-510-100').waitFor();
const r = await page.evaluate(async () => {
  const cells = document.querySelectorAll('td.jcell').length;
  const times = [];
  for (let i = 0; i < 29; i++) {
    const el = document.getElementById(`jc-${i}-10`);
    el.focus();
    el.value = String(5 - (i % 4));
    const t0 = performance.now();
    el.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, cancelable: true }));
    await Promise.resolve(); await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    times.push(performance.now() - t0);
  }
  const base = [];
  for (let i = 0; i < 29; i++) { const t0 = performance.now(); await Promise.resolve(); await Promise.resolve(); await new Promise((r) => setTimeout(r, 0)); base.push(performance.now() - t0); }
  base.sort((a, b) => a - b);
  const sync = [];
  for (let i = 0; i < 29; i++) {
    const el = document.getElementById(`jc-${i}-11`);
    el.focus(); el.value = '4';
    const t0 = performance.now();
    el.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, cancelable: true }));
    sync.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 0));
  }
  sync.sort((a, b) => a - b);
  const lay = []; const ren = [];
  for (let i = 0; i < 29; i++) {
    const el = document.getElementById(`jc-${i}-12`);
    el.focus(); el.value = '3';
    void document.body.offsetHeight;
    const t0 = performance.now();
    el.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, cancelable: true }));
    const t1 = performance.now();
    await Promise.resolve(); await Promise.resolve(); await Promise.resolve();
    const t2 = performance.now();
    void document.body.offsetHeight;
    const t3 = performance.now();
    ren.push(t2 - t1); lay.push(t3 - t2);
    await new Promise((r) => setTimeout(r, 0));
  }
  lay.sort((a, b) => a - b); ren.sort((a, b) => a - b);
  window.__r = { renMedian: ren[14].toFixed(2), layMedian: lay[14].toFixed(2) };
  const upd = document.querySelectorAll('td.jcell.dirty').length;
  times.sort((a, b) => a - b);
  return { cells, dirty: upd, median: times[14].toFixed(2), max: times[28].toFixed(2), baseMedian: base[14].toFixed(2), syncMedian: sync[14].toFixed(2), syncMax: sync[28].toFixed(2), ...window.__r };
});
console.log(JSON.stringify(r));
await b.close();
