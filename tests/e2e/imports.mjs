#!/usr/bin/env node
// End-to-end check of the import page (/imports) against a running partad.
// The secretary uploads a CSV with a bad SNILS: the dry run names the line
// and the field, and the write button stays disabled. The fixed file checks
// clean, the write creates the cards and admits the new student to 5А with
// the order given on the page. The page passes axe.
//
// Env: PARTA_URL, PARTA_LOGIN, PARTA_PASSWORD (a secretary or coordinator),
//      optional PARTA_SCREENSHOT_DIR, optional PARTA_CHROMIUM.
// Exit: 0 all steps passed; 1 a step failed; 2 bad usage.
import { createHarness } from './harness.mjs';

const { env, base: BASE, run, step, launchBrowser, newPage, axeCheck, shot, assert, waitUntil, textOf, expectText, expectVisible } =
  createHarness({
    name: 'imports',
    required: ['PARTA_URL', 'PARTA_LOGIN', 'PARTA_PASSWORD'],
    usage: 'PARTA_URL=http://127.0.0.1:PORT PARTA_LOGIN=… PARTA_PASSWORD=… [PARTA_SCREENSHOT_DIR=DIR] node imports.mjs',
    overallTimeoutMs: 120_000,
  });

const HEADER = 'kind,ref,surname,first_name,class,snils,parent_of\r\n';
const BAD = HEADER +
  'student,S0901,Ёлкина-Петрова,Алёна,5А,,\r\n' +
  'staff,T0901,О\'Коннор,Фёдор,,112-233-445 96,\r\n' +
  'parent,P0901,"Ёлкина-Петрова",Ольга,,,S0901:mother\r\n';
const GOOD = BAD.replace('112-233-445 96', '');

async function upload(page, text) {
  await page.getByTestId('import-file').setInputFiles({ name: 'люди.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
}

async function main() {
  await launchBrowser();
  const { page } = await newPage({ width: 1366, height: 768 });

  await step('step 1: the secretary opens "Импорт и экспорт"', async () => {
    await page.goto(BASE + '/', { waitUntil: 'domcontentloaded' });
    await expectVisible(page, 'login-form', 'login page');
    await page.getByTestId('login-input').fill(env.PARTA_LOGIN);
    await page.getByTestId('password-input').fill(env.PARTA_PASSWORD);
    await page.getByTestId('password-input').press('Enter');
    await expectText(page, 'user-name', /\S/, 'header after signing in');
    await page.getByTestId('nav-imports').click();
    return expectText(page, 'page-title', 'Импорт и экспорт', 'page title');
  });

  await step('step 2: the dry run of a file with a bad SNILS names line 3 and the field; nothing can be written', async () => {
    await page.getByTestId('import-order-number').fill('№ 15-у');
    await page.getByTestId('import-order-date').fill('2026-09-01');
    await upload(page, BAD);
    await page.getByTestId('import-check').click();
    const row = await expectText(page, 'import-error-row', 'СНИЛС', 'error row');
    assert(/^3\b/.test(row), `error row ${JSON.stringify(row)} does not start with line 3`);
    await expectText(page, 'import-count-errors', '1', 'error count');
    assert(await page.getByTestId('import-apply').isDisabled(), 'the write button is enabled despite errors');
    await shot(page, 'imports-01-dry-run-errors.png');
    return row;
  });

  await step('step 3: the fixed file checks clean and is written', async () => {
    await upload(page, GOOD);
    await page.getByTestId('import-check').click();
    await expectText(page, 'import-count-create', '3', 'create count');
    await waitUntil(async () => !(await page.getByTestId('import-apply').isDisabled()), 'write button stays disabled');
    await page.getByTestId('import-apply').click();
    const title = await expectText(page, 'import-report', 'Импорт выполнен', 'report after writing');
    await shot(page, 'imports-02-written.png');
    return title.slice(0, 60);
  });

  await step('step 4: the page passes axe', async () => axeCheck(page, '/imports'));
}

run(main);
