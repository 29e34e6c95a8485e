import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox','--disable-gpu'] });
const ctx = await b.newContext({ viewport: { width: 1366, height: 768 } });
const page = await ctx.newPage();
await page.goto('http://127.0.0.1:8765/journal');
await page.getByTestId('login-input').fill('teacher');
await page.getByTestId('password-input').fill('x');
await page.getByTestId('password-input').press('Enter');
await page.getByTestId('input-jr-month').selectOption('2026-11');
await page.getByTestId('jr-in-510-100').focus();
await page.evaluate(() => {
  const dt = new DataTransfer(); dt.setData('text/plain', '5\n4\nн\n7\n\nзач\r\n3\n');
  document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
});
await page.waitForTimeout(200);
console.log(await page.getByTestId('jr-status').textContent());
console.log(await page.locator('[data-lesson="510"] [data-testid=jr-value]').allTextContents().then(v=>v.slice(0,8)));
await b.close();
