#!/usr/bin/env node
// End-to-end check of the Parta web UI sign-in flow against a running partad.
// Drives Debian's /usr/bin/chromium through playwright-core (no browser download)
// and runs axe-core on the login page and the "Кто я" page. The environment
// check, step runner, output format, browser set-up and cleanup live in harness.mjs.
//
// Env: PARTA_URL, PARTA_LOGIN, PARTA_PASSWORD, PARTA_NAME, PARTA_ROLE_LABEL,
//      optional PARTA_SCREENSHOT_DIR, optional PARTA_CHROMIUM (default /usr/bin/chromium).
// Exit: 0 all steps passed; 1 a step failed (or the 120 s limit was hit); 2 bad usage.
import { createHarness } from './harness.mjs';

const {
  env, base: BASE, run, step, launchBrowser, newPage, axeCheck, shot,
  assert, waitUntil, textOf, expectText, expectVisible, expectHidden, CYRILLIC,
} = createHarness({
  name: 'login',
  required: ['PARTA_URL', 'PARTA_LOGIN', 'PARTA_PASSWORD', 'PARTA_NAME', 'PARTA_ROLE_LABEL'],
  usage: 'PARTA_URL=http://127.0.0.1:PORT PARTA_LOGIN=… PARTA_PASSWORD=… PARTA_NAME=… PARTA_ROLE_LABEL=… [PARTA_SCREENSHOT_DIR=DIR] node login.mjs',
  overallTimeoutMs: 120_000,
});

async function openLoginPage(page) {
  await page.goto(BASE + '/', { waitUntil: 'domcontentloaded' });
  await expectVisible(page, 'login-form', 'login page');
}

async function logIn(page, password, { enter = false } = {}) {
  await page.getByTestId('login-input').fill(env.PARTA_LOGIN);
  await page.getByTestId('password-input').fill(password);
  if (enter) await page.getByTestId('password-input').press('Enter');
  else await page.getByTestId('login-submit').click();
}

async function main() {
  await launchBrowser();

  const { context, page } = await newPage({ width: 1366, height: 768 });

  // 1) login page in Russian
  await step('step 1: login page opens in Russian at 1366×768', async () => {
    await openLoginPage(page);
    const lang = await page.evaluate(() => document.documentElement.lang);
    assert(lang === 'ru', `<html lang> is ${JSON.stringify(lang)}, expected "ru"`);
    await expectText(page, 'product-name', 'Парта', 'product name');
    await expectText(page, 'login-submit', 'Войти', 'submit button');
    const login = page.getByTestId('login-input');
    const password = page.getByTestId('password-input');
    assert((await login.getAttribute('autocomplete')) === 'username', 'login field lacks autocomplete="username"');
    assert((await password.getAttribute('autocomplete')) === 'current-password', 'password field lacks autocomplete="current-password"');
    assert((await password.getAttribute('type')) === 'password', 'password field is not type=password');
    const loginLabel = await page.locator('label[for="login-input"]').textContent();
    const passwordLabel = await page.locator('label[for="password-input"]').textContent();
    assert(loginLabel?.includes('Логин'), `login field label is ${JSON.stringify(loginLabel)}, expected "Логин"`);
    assert(passwordLabel?.includes('Пароль'), `password field label is ${JSON.stringify(passwordLabel)}, expected "Пароль"`);
    assert((await page.getByTestId('login-error').getAttribute('role')) === 'alert', 'error area lacks role="alert"');
    await shot(page, '01-login-1366.png');
    return 'labels, autocomplete, role=alert present';
  });

  await step('axe: login page has no serious/critical violations', () => axeCheck(page, 'the login page'));

  // 2) wrong password
  await step('step 2: wrong password shows a Russian error and stays on the login page', async () => {
    await logIn(page, env.PARTA_PASSWORD + '-wrong');
    const text = await expectText(page, 'login-error', /\S/, 'error alert');
    assert(CYRILLIC.test(text), `error text is not Russian: ${JSON.stringify(text)}`);
    await expectVisible(page, 'login-form', 'after a wrong password');
    assert(!(await page.getByTestId('user-name').isVisible()), 'the app frame appeared after a wrong password');
    await shot(page, '02-login-error-1366.png');
    return JSON.stringify(text);
  });

  // 3) right password (submitted with Enter)
  await step('step 3: right password (Enter) opens the frame with the user name', async () => {
    await logIn(page, env.PARTA_PASSWORD, { enter: true });
    await expectText(page, 'user-name', env.PARTA_NAME, 'header user name');
    await expectHidden(page, 'login-form', 'after logging in');
    await expectVisible(page, 'logout-button', 'header');
    await expectVisible(page, 'nav', 'navigation');
    await shot(page, '03-frame-1366.png');
  });

  // 4) "Кто я" via nav
  await step('step 4: "Кто я" via nav shows login, name and role', async () => {
    const nav = page.getByTestId('nav');
    const links = nav.getByRole('link');
    const count = await links.count();
    let visited = '';
    // Visit another section first (if any) so that "Кто я" is a real navigation.
    for (let i = 0; i < count; i++) {
      const testId = await links.nth(i).getAttribute('data-testid');
      if (testId && testId !== 'nav-me') {
        // Every section of a teacher is a real page now: its title is the link's text.
        const label = await textOf(links.nth(i));
        await links.nth(i).click();
        await expectText(page, 'page-title', label, `section ${testId}`);
        visited = `${label} → `;
        break;
      }
    }
    const me = nav.getByRole('link', { name: 'Кто я', exact: true });
    assert((await me.count()) === 1, 'nav has no "Кто я" link');
    await me.click();
    await waitUntil(() => new URL(page.url()).pathname === '/me', () => `URL is ${page.url()}, expected path /me`);
    await expectText(page, 'page-title', 'Кто я', 'page title');
    const login = await expectText(page, 'me-login', env.PARTA_LOGIN, 'login');
    await expectText(page, 'me-name', env.PARTA_NAME, 'name');
    await expectText(page, 'me-roles', env.PARTA_ROLE_LABEL, 'roles');
    await expectText(page, 'me-school-name', /\S/, 'node name');
    await expectText(page, 'me-school-role', /\S/, 'node role');
    await shot(page, '04-me-1366.png');
    return `${visited}Кто я; login ${login}`;
  });

  await step('axe: "Кто я" page has no serious/critical violations', () => axeCheck(page, 'the "Кто я" page'));

  // 5) cookie flags
  await step('step 5: session cookie is HttpOnly and SameSite=Strict', async () => {
    const cookies = await context.cookies(BASE);
    assert(cookies.length > 0, 'no cookie was set for ' + BASE);
    for (const c of cookies) {
      assert(c.httpOnly, `cookie ${c.name} is not HttpOnly`);
      assert(c.sameSite === 'Strict', `cookie ${c.name} has SameSite=${c.sameSite}, expected Strict`);
    }
    const visible = await page.evaluate(() => document.cookie);
    assert(visible === '', `page script can read cookies: ${JSON.stringify(visible)}`);
    return cookies.map((c) => c.name).join(', ');
  });

  // 6) reload keeps the session
  await step('step 6: reload keeps the session', async () => {
    await page.reload({ waitUntil: 'domcontentloaded' });
    await expectText(page, 'user-name', env.PARTA_NAME, 'header user name after reload');
    await expectText(page, 'me-login', env.PARTA_LOGIN, 'login after reload');
    assert(!(await page.getByTestId('login-form').isVisible()), 'login form shown after reload');
  });

  // 7) English and back
  await step('step 7: language switch to English and back', async () => {
    await page.getByTestId('lang-en').click();
    await expectText(page, 'logout-button', 'Log out', 'logout button in English');
    await expectText(page, 'page-title', 'Who am I', 'page title in English');
    await expectText(page, 'nav-me', 'Who am I', 'nav in English');
    await waitUntil(async () => (await page.evaluate(() => document.documentElement.lang)) === 'en', '<html lang> did not become "en"');
    assert((await page.getByTestId('lang-en').getAttribute('aria-pressed')) === 'true', 'EN button not aria-pressed');
    await shot(page, '05-me-en-1366.png');
    // the choice survives a reload
    await page.reload({ waitUntil: 'domcontentloaded' });
    await expectText(page, 'logout-button', 'Log out', 'English after reload');
    await page.getByTestId('lang-ru').click();
    await expectText(page, 'logout-button', 'Выйти', 'logout button in Russian');
    await expectText(page, 'me-roles', env.PARTA_ROLE_LABEL, 'roles in Russian');
    await waitUntil(async () => (await page.evaluate(() => document.documentElement.lang)) === 'ru', '<html lang> did not return to "ru"');
    return 'Log out ⇄ Выйти, kept across reload';
  });

  // 8) log out
  await step('step 8: log out returns to the login page; reload stays there', async () => {
    const del = page.waitForRequest((r) => r.method() === 'DELETE' && new URL(r.url()).pathname === '/api/v1/session');
    await page.getByTestId('logout-button').click();
    const req = await del;
    const token = (await req.allHeaders())['x-csrf-token'];
    assert(token, 'DELETE /api/v1/session was sent without X-CSRF-Token');
    await expectVisible(page, 'login-form', 'after logout');
    await expectHidden(page, 'user-name', 'after logout');
    await page.reload({ waitUntil: 'domcontentloaded' });
    await expectVisible(page, 'login-form', 'after logout and reload');
    await page.waitForTimeout(300);
    assert(!(await page.getByTestId('user-name').isVisible()), 'the frame came back after reload: session not ended');
    await shot(page, '06-logged-out-1366.png');
    return 'X-CSRF-Token sent';
  });
  await context.close();

  // 9) phone
  const phone = await newPage({ width: 360, height: 740 });
  await step('step 9: phone 360×740: log in, menu button opens the nav', async () => {
    const p = phone.page;
    await openLoginPage(p);
    await shot(p, '07-login-360.png');
    await logIn(p, env.PARTA_PASSWORD);
    await expectText(p, 'user-name', env.PARTA_NAME, 'header user name on phone');
    const toggle = p.getByTestId('nav-toggle');
    await expectVisible(p, 'nav-toggle', 'menu button on phone');
    assert(!(await p.getByTestId('nav-me').isVisible()), 'nav is already open on a narrow screen');
    assert((await toggle.getAttribute('aria-expanded')) === 'false', 'menu button aria-expanded is not "false" when closed');
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    assert(width <= 360, `page scrolls sideways on a 360-px screen (scrollWidth ${width})`);
    await shot(p, '08-frame-360.png');
    await toggle.click();
    await expectVisible(p, 'nav-me', 'nav after pressing the menu button');
    assert((await toggle.getAttribute('aria-expanded')) === 'true', 'menu button aria-expanded is not "true" when open');
    await shot(p, '09-menu-open-360.png');
    await p.getByTestId('nav-me').click();
    await expectText(p, 'me-name', env.PARTA_NAME, 'Кто я on phone');
    await expectHidden(p, 'nav-me', 'nav after choosing an item');
    await shot(p, '10-me-360.png');
    await p.getByTestId('logout-button').click();
    await expectVisible(p, 'login-form', 'after logout on phone');
  });
}

run(main);
