// The catalogue and policy in the browser (issue 5, item 2): the regional
// node's administrator publishes a policy and a catalogue on «Узлы»; a bad
// threshold and an older version are refused beside their fields; the
// municipal node under it shows the versions it received, signed by the
// region.
//   PARTA_REGION_URL, PARTA_HUB_URL (municipal, enrolled with the region),
//   PARTA_LOGIN, PARTA_PASSWORD (an administrator on both), PARTA_SCREENSHOT_DIR, PARTA_CHROMIUM.
// Exit: 0 all steps passed; 1 a step failed; 2 bad usage.
import { createHarness } from './harness.mjs';

const h = createHarness({
  name: 'documents',
  required: ['PARTA_REGION_URL', 'PARTA_HUB_URL', 'PARTA_LOGIN', 'PARTA_PASSWORD'],
  usage: 'PARTA_REGION_URL=… PARTA_HUB_URL=… PARTA_LOGIN=… PARTA_PASSWORD=… node documents.mjs',
  overallTimeoutMs: 180_000,
});
const { env, run, step, launchBrowser, newPage, axeCheck, shot, assert, waitUntil, textOf, expectText, expectVisible } = h;
const REGION = env.PARTA_REGION_URL.replace(/\/+$/, '');
const HUB = env.PARTA_HUB_URL.replace(/\/+$/, '');

async function signIn(page, base) {
  await page.goto(base + '/', { waitUntil: 'domcontentloaded' });
  await expectVisible(page, 'login-form', 'login page');
  await page.getByTestId('login-input').fill(env.PARTA_LOGIN);
  await page.getByTestId('password-input').fill(env.PARTA_PASSWORD);
  await page.getByTestId('password-input').press('Enter');
  await expectText(page, 'user-name', /\S/, 'header after signing in');
  await page.getByTestId('nav-nodes').click();
  await expectText(page, 'page-title', 'Узлы', 'page title');
  await expectVisible(page, 'documents', 'the catalogue and policy card');
}

async function main() {
  await launchBrowser();
  const { page: region } = await newPage({ width: 1366, height: 768 });

  await step('step 1: the region has published nothing yet: the defaults are stated', async () => {
    await signIn(region, REGION);
    await expectText(region, 'doc-policy-none', 'k = 5', 'the default rules');
    await expectVisible(region, 'doc-catalogue-none', 'the built-in catalogue');
    return axeCheck(region, '/nodes (region)');
  });

  await step('step 2: a threshold of 1 is refused beside the field; k = 7 is published as version 2', async () => {
    await region.getByTestId('input-doc-kind').selectOption('policy');
    assert((await region.getByTestId('input-doc-version').inputValue()) === '2', 'the next version is not offered');
    await region.getByTestId('input-doc-k').fill('1');
    await region.getByTestId('doc-submit').click();
    await expectVisible(region, 'error-doc-k', 'the error beside k');
    await region.getByTestId('input-doc-k').fill('7');
    await region.getByTestId('input-doc-rounding').fill('5');
    await region.getByTestId('input-doc-schedule').fill('weekly fri 18:30');
    await region.getByTestId('doc-submit').click();
    await expectText(region, 'doc-notice', 'версия 2', 'published');
    await expectText(region, 'doc-policy-version', '2', 'policy version');
    await expectText(region, 'doc-policy-k', '7', 'k');
    await expectText(region, 'doc-policy-schedule', 'weekly fri 18:30', 'schedule');
    await shot(region, 'doc-01-published.png');
    return axeCheck(region, '/nodes (region, published)');
  });

  await step('step 3: an older version is refused beside the version; the catalogue goes out as version 2', async () => {
    await region.getByTestId('input-doc-version').fill('1');
    await region.getByTestId('doc-submit').click();
    await expectVisible(region, 'error-doc-version', 'the error beside the version');
    await expectText(region, 'doc-policy-version', '2', 'the policy stays at version 2');
    await region.getByTestId('input-doc-kind').selectOption('catalogue');
    await region.getByTestId('doc-submit').click();
    await expectText(region, 'doc-catalogue-version', '2', 'catalogue version');
    const tables = Number(await textOf(region.getByTestId('doc-catalogue-tables')));
    assert(tables >= 9, `the catalogue has ${tables} tables`);
    return `${tables} tables`;
  });

  await step('step 4: the municipal node receives both, signed by the region', async () => {
    const { page: hub } = await newPage({ width: 1366, height: 768 });
    await signIn(hub, HUB);
    const regionKey = await textOf(region.getByTestId('doc-policy-signer'));
    await waitUntil(async () => {
      await hub.reload({ waitUntil: 'domcontentloaded' });
      await expectVisible(hub, 'documents', 'the catalogue and policy card');
      const v = await hub.getByTestId('doc-policy-version').textContent({ timeout: 2000 }).catch(() => '');
      const c = await hub.getByTestId('doc-catalogue-version').textContent({ timeout: 2000 }).catch(() => '');
      return v?.trim() === '2' && c?.trim() === '2';
    }, 'the municipal node shows policy and catalogue version 2', 60_000);
    await expectText(hub, 'doc-policy-k', '7', 'k at the municipal node');
    assert((await textOf(hub.getByTestId('doc-policy-signer'))) === regionKey, 'signed by another key');
    await hub.setViewportSize({ width: 360, height: 740 });
    const w = await hub.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(w <= 0, `/nodes scrolls sideways at 360 px by ${w} px`);
    return axeCheck(hub, '/nodes (municipal, received)');
  });
}

run(main);
