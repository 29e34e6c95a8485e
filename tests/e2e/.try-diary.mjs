import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox','--disable-gpu'] });
for (const [w,h,f] of [[360,740,'d360'],[1366,768,'d1366']]) {
const ctx = await b.newContext({ viewport: { width: w, height: h } });
const page = await ctx.newPage();
page.on('pageerror', e => console.log('PAGEERR', e.message));
await page.goto('http://127.0.0.1:8765/diary');
await page.getByTestId('login-input').fill('parent');
await page.getByTestId('password-input').fill('x');
await page.getByTestId('password-input').press('Enter');
await page.getByTestId('di-week').waitFor();
// go to week of 2026-11-02
for (let i=0;i<3;i++) { await page.getByTestId('di-prev').click(); await page.waitForTimeout(150); }
console.log(await page.getByTestId('di-week').textContent());
await page.waitForTimeout(300);
console.log('sideways', await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth));
await page.screenshot({ path: `/tmp/ui4/${f}.png`, fullPage: f==='d360' ? false : false });
}
await b.close();
