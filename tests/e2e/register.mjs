#!/usr/bin/env node
// End-to-end check of the school register pages ("Реестр" / "Люди") against a
// running partad with a loaded register. Same harness (harness.mjs) as login.mjs.
//
// First a keeper of the register (a secretary) creates a student card (a
// hyphenated surname with Ё), is refused a bad surname next to the field,
// admits the student to the class teacher's class with an order, is refused
// a second admission next to the class field, finds the entry in the
// movement book (filters, print stamp, 360 px), sees the student in the
// report of people without consent and records the consent on the card.
//
// A class teacher (the editor) searches a student of their class by surname,
// opens it and sees a wrong SNILS refused next to the field, then opens the
// card of that student's parent (the reader), changes the phone with the
// keyboard, saves, and sees the new value and the history entry. Then the
// parent signs in with a fresh browser context and sees the new phone on
// their own card.
//
// Env: PARTA_URL, PARTA_EDITOR_LOGIN, PARTA_EDITOR_PASSWORD (a class teacher),
//      PARTA_READER_LOGIN, PARTA_READER_PASSWORD (a parent of a student of that class),
//      PARTA_STUDENT_SURNAME (surname prefix shared by the student and the parent, Cyrillic),
//      PARTA_KEEPER_LOGIN, PARTA_KEEPER_PASSWORD (a secretary or coordinator),
//      PARTA_CLASS_NAME (the class teacher's class, e.g. 5А), PARTA_CLASS_ID (its register id,
//      typed when the server offers no list of classes), PARTA_SCHOOL_YEAR (e.g. 2026 for 2026/27),
//      PARTA_PRINCIPAL_LOGIN, PARTA_PRINCIPAL_PASSWORD (reads the book, writes nothing),
//      optional PARTA_SCREENSHOT_DIR, optional PARTA_CHROMIUM (default /usr/bin/chromium).
// Exit: 0 all steps passed; 1 a step failed (or the 180 s limit was hit); 2 bad usage.
import { createHarness } from './harness.mjs';

const {
  env, base: BASE, run, step, launchBrowser, newPage, axeCheck, shot,
  assert, waitUntil, expectFocus, fillField, textOf, expectText, expectVisible, expectHidden, CYRILLIC,
} = createHarness({
  name: 'register',
  required: [
    'PARTA_URL', 'PARTA_EDITOR_LOGIN', 'PARTA_EDITOR_PASSWORD',
    'PARTA_READER_LOGIN', 'PARTA_READER_PASSWORD', 'PARTA_STUDENT_SURNAME',
    'PARTA_KEEPER_LOGIN', 'PARTA_KEEPER_PASSWORD', 'PARTA_CLASS_NAME', 'PARTA_CLASS_ID', 'PARTA_SCHOOL_YEAR',
    'PARTA_PRINCIPAL_LOGIN', 'PARTA_PRINCIPAL_PASSWORD',
  ],
  usage: 'PARTA_URL=http://127.0.0.1:PORT PARTA_EDITOR_LOGIN=… PARTA_EDITOR_PASSWORD=… PARTA_READER_LOGIN=… PARTA_READER_PASSWORD=… PARTA_STUDENT_SURNAME=… PARTA_KEEPER_LOGIN=… PARTA_KEEPER_PASSWORD=… PARTA_CLASS_NAME=5А PARTA_CLASS_ID=N PARTA_SCHOOL_YEAR=2026 PARTA_PRINCIPAL_LOGIN=… PARTA_PRINCIPAL_PASSWORD=… [PARTA_SCREENSHOT_DIR=DIR] node register.mjs',
  overallTimeoutMs: 300_000,
});
const PREFIX = env.PARTA_STUDENT_SURNAME;

async function logIn(page, login, password) {
  await page.goto(BASE + '/', { waitUntil: 'domcontentloaded' });
  await expectVisible(page, 'login-form', 'login page');
  await page.getByTestId('login-input').fill(login);
  await page.getByTestId('password-input').fill(password);
  await page.getByTestId('password-input').press('Enter');
  return expectText(page, 'user-name', /\S/, `header after signing in as ${login}`);
}

const digits = (s) => (s || '').replace(/\D/g, '');

/** Rows of the register list currently shown: [{id, text}]. */
async function rows(page) {
  return page.$$eval('[data-testid^="person-row-"]', (els) =>
    els.map((e) => ({
      id: e.getAttribute('data-testid').slice('person-row-'.length),
      text: (e.querySelector('a') || e).textContent.replace(/\s+/g, ' ').trim(),
    })),
  );
}

/** Chooses a kind tab and types a search prefix; waits for matching rows. */
async function search(page, kind, prefix) {
  // Wait for the answer to the final query (this kind, this prefix), however
  // it is triggered: the tab click may already send it when the box still
  // holds the prefix; otherwise the debounced typing does.
  const settled = page.waitForResponse((r) => {
    const url = new URL(r.url());
    return url.pathname === '/api/v1/people' && url.searchParams.get('q') === prefix &&
      url.searchParams.get('kind') === kind && (url.searchParams.get('offset') || '0') === '0';
  }, { timeout: 15000 });
  await page.getByTestId('kind-' + kind).click();
  await waitUntil(async () => (await page.getByTestId('kind-' + kind).getAttribute('aria-selected')) === 'true', `kind tab ${kind} not selected`);
  const input = page.getByTestId('registry-search');
  if ((await input.inputValue()) !== prefix) {
    await input.fill('');
    await input.pressSequentially(prefix, { delay: 20 });
  }
  await settled;
  // Then the list must show it and hold still (no later render under us).
  let seen = [];
  let previous = '';
  await waitUntil(async () => {
    seen = await rows(page);
    const status = await textOf(page.getByTestId('registry-status'));
    const ready = seen.length > 0 && !/Загрузка|Loading/.test(status) &&
      seen.every((r) => r.text.toLowerCase().includes(prefix.toLowerCase()));
    const now = JSON.stringify(seen);
    const stable = ready && now === previous;
    previous = ready ? now : '';
    if (ready && !stable) await new Promise((res) => setTimeout(res, 300));
    return stable;
  }, () => `search ${kind} "${prefix}": expected rows that all contain the prefix, saw ${JSON.stringify(seen.slice(0, 5))}`);
  return seen;
}

/** Opens a row's card with the keyboard (focus the link, Enter). */
async function openRowByKeyboard(page, id) {
  const link = page.getByTestId('person-row-' + id).getByRole('link');
  await link.focus();
  await page.keyboard.press('Enter');
  await waitUntil(() => new URL(page.url()).pathname === '/registry/' + id, () => `URL is ${page.url()}, expected /registry/${id}`);
  return expectText(page, 'card-name', /\S/, 'card name');
}


// ---------------------------------------------------------------- the keeper

const NEW_STUDENT = { surname: 'Семёнова-Тян-Шанская', firstName: 'Алёна', patronymic: 'Фёдоровна' };
const NEW_NAME = `${NEW_STUDENT.surname} ${NEW_STUDENT.firstName} ${NEW_STUDENT.patronymic}`;
const YEAR = Number(env.PARTA_SCHOOL_YEAR);
const ADMITTED_ON = `${YEAR}-11-02`;
const ORDER_DATE = `${YEAR}-10-30`;
const ORDER = `17-уч/${YEAR}`;
const UNDO_ORDER = `18-уч/${YEAR}`;
const READMIT_ORDER = `19-уч/${YEAR}`;
let newId = '';

/** Chooses the class: from the list when the server gives one, else by its register id. */
async function chooseClass(page) {
  const input = page.getByTestId('input-move-toClass');
  await expectVisible(page, 'input-move-toClass', 'class field');
  if ((await input.evaluate((e) => e.tagName)) !== 'SELECT') return input.fill(env.PARTA_CLASS_ID);
  await input.selectOption(env.PARTA_CLASS_ID);
  const label = await input.evaluate((e) => e.options[e.selectedIndex].textContent.trim());
  assert(label.startsWith(env.PARTA_CLASS_NAME), `class option ${env.PARTA_CLASS_ID} reads ${JSON.stringify(label)}`);
}

/** Checks that a field shows a Russian error, is marked invalid and points at it. */
async function expectFieldError(page, id, want, what) {
  const text = await expectText(page, 'error-' + id, want, what);
  assert(CYRILLIC.test(text), `${what}: the error is not Russian: ${JSON.stringify(text)}`);
  const input = page.getByTestId('input-' + id);
  assert((await input.getAttribute('aria-invalid')) === 'true', `${what}: input lacks aria-invalid="true"`);
  const describedBy = (await input.getAttribute('aria-describedby')) || '';
  assert(describedBy.split(' ').includes('error-' + id), `${what}: aria-describedby is ${JSON.stringify(describedBy)}`);
  return text;
}

async function printStamp(page, login, what) {
  await page.emulateMedia({ media: 'print' });
  const stamp = await expectText(page, 'print-stamp', 'Парта', `${what}: print stamp`);
  assert(/\d{2}\.\d{2}\.\d{4}/.test(stamp), `${what}: print stamp has no date: ${JSON.stringify(stamp)}`);
  assert(stamp.includes(login), `${what}: print stamp does not name the user: ${JSON.stringify(stamp)}`);
  assert(!(await page.getByTestId('nav').isVisible()), `${what}: navigation is printed`);
  assert(!(await page.getByTestId('print-button').isVisible()), `${what}: the print button is printed`);
  return stamp;
}

/** The rows of the movement book shown now: [{id, text, undone}]. */
async function bookRows(page) {
  return page.$$eval('[data-testid="movement-row"]', (els) =>
    els.map((e) => ({
      id: e.getAttribute('data-id'),
      text: e.textContent.replace(/\s+/g, ' ').trim(),
      undone: !!e.querySelector('[data-testid="movement-undone"]'),
    })),
  );
}

async function keeperSteps() {
  const login = env.PARTA_KEEPER_LOGIN;
  const { context, page } = await newPage({ width: 1366, height: 768 });
  await step('keeper 1: the secretary opens "Новая карточка" from the register', async () => {
    const who = await logIn(page, login, env.PARTA_KEEPER_PASSWORD);
    await expectText(page, 'nav-movements', 'Книга движения', 'nav link to the movement book');
    await page.getByTestId('nav-registry').click();
    await expectText(page, 'new-person', 'Новая карточка', 'new card button');
    await expectText(page, 'registry-status', /\d/, 'the list loaded');
    const stamp = await printStamp(page, login, 'register list');
    assert(!(await page.getByTestId('new-person').isVisible()), 'the new card button is printed');
    await page.emulateMedia({ media: 'screen' });
    await page.getByTestId('new-person').click();
    await waitUntil(() => new URL(page.url()).pathname === '/registry/new', () => `URL is ${page.url()}, expected /registry/new`);
    await expectText(page, 'page-title', 'Новая карточка', 'new card page title');
    const kind = await page.getByTestId('input-new-kind').inputValue();
    assert(kind === 'student', `the new card starts as ${JSON.stringify(kind)}, expected student (the list's tab)`);
    return `${who}; list printed with ${JSON.stringify(stamp)}`;
  });

  await step('axe: the new card form has no serious/critical violations', () => axeCheck(page, 'the new card form'));

  await step('keeper 2: a surname with a digit is refused next to the surname field', async () => {
    await page.getByTestId('input-new-surname').fill(NEW_STUDENT.surname + '2');
    await page.getByTestId('input-new-first_name').fill(NEW_STUDENT.firstName);
    await page.getByTestId('input-new-patronymic').fill(NEW_STUDENT.patronymic);
    await page.getByTestId('input-new-birth_date').fill('2015-03-14');
    await page.getByTestId('input-new-sex').selectOption('female');
    const post = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/people');
    await page.getByTestId('new-submit').click();
    const res = await post;
    assert(res.status() === 400, `POST /people answered ${res.status()}, expected 400`);
    const text = await expectFieldError(page, 'new-surname', /\S/, 'surname');
    assert(await page.getByTestId('error-new-first_name').isHidden(), 'the first name is marked wrong too');
    await expectFocus(page, 'new-surname');
    await shot(page, '10-new-card-error-1366.png');
    return JSON.stringify(text);
  });

  await step(`keeper 3: the card "${NEW_NAME}" is created and opened`, async () => {
    await page.getByTestId('input-new-surname').fill(NEW_STUDENT.surname);
    await page.getByTestId('new-submit').click();
    await waitUntil(() => /^\/registry\/\d+$/.test(new URL(page.url()).pathname), () => `URL is ${page.url()}, expected the new card`);
    newId = new URL(page.url()).pathname.split('/').pop();
    const name = await expectText(page, 'card-name', NEW_STUDENT.surname, 'new card name');
    assert(name === NEW_NAME, `card name ${JSON.stringify(name)}, expected ${JSON.stringify(NEW_NAME)}`);
    await expectText(page, 'save-status', 'Карточка создана', 'created notice');
    await expectText(page, 'consent-badge', 'нет', 'consent badge of a new card');
    assert(!(await page.getByTestId('card-class').count()), 'a new card already shows a class');
    return `card ${newId}`;
  });

  await step(`keeper 4: "Зачислить" admits the student to ${env.PARTA_CLASS_NAME} with order ${ORDER}`, async () => {
    await page.getByTestId('movements-tab').click();
    await expectVisible(page, 'movements-empty', 'no movements yet');
    await page.getByTestId('mv-act-admission').click();
    await chooseClass(page);
    await page.getByTestId('input-move-date').fill(ADMITTED_ON);
    await page.getByTestId('input-move-orderNumber').fill(ORDER);
    await page.getByTestId('input-move-orderDate').fill(ORDER_DATE);
    await shot(page, '11-admission-form-1366.png');
    await page.getByTestId('movement-submit').click();
    await expectVisible(page, 'movement-saved', 'saved notice');
    const row = await expectText(page, 'movement-row', ORDER, 'the admission on the card');
    assert(row.includes('Зачисление') && row.includes(env.PARTA_CLASS_NAME) && row.includes('02.11.' + YEAR) && row.includes(login),
      `the admission row reads ${JSON.stringify(row)}`);
    await expectText(page, 'card-class', env.PARTA_CLASS_NAME, 'card class after admission');
    await shot(page, '12-admitted-1366.png');
    return row;
  });

  await step('axe: the card with its movements has no serious/critical violations', () => axeCheck(page, 'the movements tab'));

  await step('keeper 5: a second admission is refused next to the class field; nothing is written', async () => {
    await page.getByTestId('mv-act-admission').click();
    await chooseClass(page);
    await page.getByTestId('input-move-date').fill(ADMITTED_ON);
    await page.getByTestId('input-move-orderNumber').fill(ORDER + '-бис');
    await page.getByTestId('input-move-orderDate').fill(ORDER_DATE);
    const post = page.waitForResponse((r) => r.request().method() === 'POST' && /\/movements$/.test(new URL(r.url()).pathname));
    await page.getByTestId('movement-submit').click();
    const res = await post;
    assert(res.status() === 409, `the second admission answered ${res.status()}, expected 409`);
    const text = await expectFieldError(page, 'move-toClass', env.PARTA_CLASS_NAME, 'class');
    for (const other of ['move-date', 'move-orderNumber', 'move-orderDate'])
      assert(await page.getByTestId('error-' + other).isHidden(), `${other} is marked wrong too`);
    await expectText(page, 'movement-form-error', /\S/, 'form-level summary');
    await shot(page, '13-duplicate-admission-1366.png');
    await expectFocus(page, 'move-toClass');
    await axeCheck(page, 'the movement form with an error');
    await page.getByTestId('movement-cancel').click();
    await expectHidden(page, 'movement-form', 'the form closes on cancel');
    const n = await page.getByTestId('movement-row').count();
    assert(n === 1, `${n} entries on the card after the refusal, expected 1`);
    return JSON.stringify(text);
  });

  await step('keeper 5a: "Отменить последнюю запись" undoes the admission; it stays, struck and marked; admitted again', async () => {
    await page.getByTestId('mv-act-undo').click();
    await expectText(page, 'undo-target', ORDER, 'the entry to undo');
    await fillField(page, 'input-move-orderNumber', UNDO_ORDER);
    await fillField(page, 'input-move-date', ADMITTED_ON);
    await fillField(page, 'input-move-orderDate', ADMITTED_ON);
    await page.getByTestId('movement-submit').click();
    await expectVisible(page, 'movement-saved', 'saved notice after the undo');
    await waitUntil(async () => (await page.getByTestId('movement-row').count()) === 2, 'the undo entry is not shown');
    const first = page.getByTestId('movement-row').first();
    await waitUntil(() => first.getByTestId('movement-undone').isVisible(), 'the admission is not marked undone');
    const deco = await first.getByTestId('movement-order').evaluate((e) => getComputedStyle(e).textDecorationLine);
    assert(deco.includes('line-through'), `the undone admission is not struck (${deco})`);
    await expectHidden(page, 'card-class', 'the class after the undo');
    await page.getByTestId('mv-act-admission').click();
    await chooseClass(page);
    await page.getByTestId('input-move-date').fill(ADMITTED_ON);
    await page.getByTestId('input-move-orderNumber').fill(READMIT_ORDER);
    await page.getByTestId('input-move-orderDate').fill(ADMITTED_ON);
    await page.getByTestId('movement-submit').click();
    await waitUntil(async () => (await page.getByTestId('movement-row').count()) === 3, 'the second admission is not shown');
    await expectText(page, 'card-class', env.PARTA_CLASS_NAME, 'card class after admitting again');
    await shot(page, '13a-undone-1366.png');
    await page.setViewportSize({ width: 360, height: 740 });
    await page.getByTestId('mv-act-transfer_out').click();
    await expectVisible(page, 'input-move-destination', 'the transfer-out form at 360 px');
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(w <= 360, `the card's movements scroll sideways at 360 px (scrollWidth ${w})`);
    await shot(page, '13b-movements-360.png');
    await page.getByTestId('movement-cancel').click();
    await page.setViewportSize({ width: 1366, height: 768 });
    return `${UNDO_ORDER} undid ${ORDER}; admitted again by ${READMIT_ORDER}`;
  });

  await step('keeper 6: the movement book shows the entries; filters by kind and dates', async () => {
    await page.getByTestId('nav-movements').click();
    await expectText(page, 'page-title', 'Книга движения', 'book title');
    const find = async () => (await bookRows(page)).find((r) => r.text.includes(NEW_NAME) && r.text.includes(READMIT_ORDER));
    const row = await waitUntil(find, 'the new student is not in the book');
    for (const want of [env.PARTA_CLASS_NAME, 'Зачисление', login, '02.11.' + YEAR])
      assert(row.text.includes(want), `book row lacks ${JSON.stringify(want)}: ${JSON.stringify(row.text)}`);
    assert(!row.undone, 'the entry in force is marked undone');
    const wrong = (await bookRows(page)).find((r) => r.text.includes(ORDER + ' ') || r.text.endsWith(ORDER));
    assert(wrong && wrong.undone && wrong.text.includes('30.10.' + YEAR), `the undone admission: ${JSON.stringify(wrong)}`);
    await page.getByTestId('input-book-kind').selectOption('admission');
    await page.getByTestId('input-book-from').fill(`${YEAR}-11-01`);
    await page.getByTestId('input-book-to').fill(`${YEAR}-11-30`);
    let got = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/movements');
    await page.getByTestId('book-apply').click();
    let res = await got;
    const q = new URL(res.url()).searchParams;
    assert(q.get('kind') === 'admission' && q.get('from') === `${YEAR}-11-01` && q.get('to') === `${YEAR}-11-30`, `book query ${res.url()}`);
    await waitUntil(find, 'the entry is gone with kind=admission and November');
    await page.getByTestId('input-book-kind').selectOption('transfer');
    got = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/movements');
    await page.getByTestId('book-apply').click();
    res = await got;
    await waitUntil(async () => !(await find()) && !/Загрузка/.test(await textOf(page.getByTestId('book-status'))), 'a transfer filter still shows the admission');
    await page.getByTestId('input-book-kind').selectOption('');
    await page.getByTestId('input-book-student').fill(NEW_STUDENT.surname.slice(0, 8));
    await page.getByTestId('book-apply').click();
    await waitUntil(find, 'the entry is not found by the student filter');
    const rows = await bookRows(page);
    assert(rows.every((r) => r.text.includes(NEW_STUDENT.surname.slice(0, 8))), 'the student filter shows other students');
    await shot(page, '14-book-1366.png');
    return `${rows.length} row(s) for "${NEW_STUDENT.surname.slice(0, 8)}"`;
  });

  await step('axe: the movement book has no serious/critical violations', () => axeCheck(page, 'the movement book'));

  await step('keeper 7: the book prints with the stamp and fits 360 px', async () => {
    const stamp = await printStamp(page, login, 'movement book');
    assert(!(await page.getByTestId('book-filters').isVisible()), 'the filters are printed');
    await shot(page, '15-book-print.png');
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 360, height: 740 });
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(w <= 360, `the book scrolls sideways at 360 px (scrollWidth ${w})`);
    await shot(page, '16-book-360.png');
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.getByTestId('lang-en').click();
    await expectText(page, 'page-title', 'Movement book', 'the book in English');
    await expectText(page, 'movement-kind', 'Admission', 'an entry in English');
    await page.getByTestId('lang-ru').click();
    await expectText(page, 'page-title', 'Книга движения', 'the book in Russian again');
    return JSON.stringify(stamp);
  });

  await step('keeper 8: the report of people without consent lists the new student and prints', async () => {
    await page.getByTestId('nav-reports').click();
    await page.getByTestId('report-without-consent').click();
    await expectText(page, 'page-title', 'без согласия', 'report title');
    const row = await expectText(page, 'report-row-' + newId, NEW_NAME, 'the new student in the report');
    await page.getByTestId('input-report-kind').selectOption('staff');
    await expectHidden(page, 'report-row-' + newId, 'a student under "Сотрудники"');
    await page.getByTestId('input-report-kind').selectOption('student');
    await expectVisible(page, 'report-row-' + newId, 'the student under "Обучающиеся"');
    const stamp = await printStamp(page, login, 'report');
    await shot(page, '17-report-print.png');
    await page.emulateMedia({ media: 'screen' });
    return `${row}; ${stamp}`;
  });

  await step('axe: the report has no serious/critical violations', () => axeCheck(page, 'the report'));

  await step('keeper 9: consent is recorded on the card (a missing document is refused first)', async () => {
    await page.getByTestId('report-row-' + newId).getByRole('link').click();
    await expectText(page, 'card-name', NEW_NAME, 'card from the report');
    await page.getByTestId('consent-button').click();
    await page.getByTestId('input-consent-givenOn').fill(ADMITTED_ON);
    await page.getByTestId('consent-submit').click();
    await expectFieldError(page, 'consent-documentRef', /\S/, 'consent document');
    await page.getByTestId('input-consent-documentRef').fill(`№ 45 от 02.11.${YEAR}`);
    await page.getByTestId('consent-submit').click();
    await expectText(page, 'consent-badge', 'есть', 'consent badge after recording');
    await expectText(page, 'save-status', 'Согласие записано', 'consent notice');
    await expectText(page, 'consent-button', 'Отозвать согласие', 'the button now withdraws');
    await page.goBack();
    await expectText(page, 'report-status', /\d/, 'report again');
    await expectHidden(page, 'report-row-' + newId, 'the student with consent in the report');
    return 'recorded; gone from the report';
  });

  await step('keeper 10: consent is withdrawn on the card; the student is back in the report', async () => {
    await page.getByTestId('report-table').waitFor();
    await page.goForward();
    await expectText(page, 'card-name', NEW_NAME, 'the card again');
    await page.getByTestId('consent-button').click();
    await expectVisible(page, 'input-consent-on', 'withdrawal date');
    await page.getByTestId('input-consent-on').fill(`${YEAR}-11-20`);
    const del = page.waitForRequest((r) => r.method() === 'DELETE' && new URL(r.url()).pathname === `/api/v1/people/${newId}/consent`);
    await page.getByTestId('consent-submit').click();
    const req = await del;
    assert(new URL(req.url()).searchParams.get('on') === `${YEAR}-11-20`, `DELETE ${req.url()}`);
    await expectText(page, 'consent-badge', 'нет', 'consent badge after withdrawal');
    await expectText(page, 'save-status', 'Согласие отозвано', 'withdrawal notice');
    await page.goBack();
    await expectText(page, 'report-row-' + newId, NEW_NAME, 'the student back in the report');
    return 'withdrawn';
  });
  await context.close();

  const principal = await newPage({ width: 1366, height: 768 });
  await step('keeper 11: the principal reads the book and the movements on the card, with no actions', async () => {
    const p = principal.page;
    await logIn(p, env.PARTA_PRINCIPAL_LOGIN, env.PARTA_PRINCIPAL_PASSWORD);
    await p.getByTestId('nav-movements').click();
    await waitUntil(async () => (await bookRows(p)).some((r) => r.text.includes(NEW_NAME) && r.text.includes(READMIT_ORDER)), 'the principal does not see the entry');
    await p.getByTestId('nav-registry').click();
    await expectText(p, 'registry-status', /\d/, 'the list loaded');
    assert(!(await p.getByTestId('new-person').count()), 'the principal is offered "Новая карточка"');
    await p.goto(`${BASE}/registry/${newId}`);
    await expectText(p, 'card-name', NEW_NAME, 'the card for the principal');
    await p.getByTestId('movements-tab').click();
    await waitUntil(async () => (await p.getByTestId('movement-row').count()) === 3, 'the principal does not see 3 entries');
    assert(!(await p.getByTestId('mv-act-admission').count()), 'the principal is offered movement actions');
    assert(!(await p.getByTestId('consent-button').count()), 'the principal is offered the consent button');
    await p.getByTestId('nav-audit').click();
    const audited = await waitUntil(async () => {
      const rows = await p.$$eval('[data-testid="audit-row"]', (els) => els.map((e) => e.textContent.replace(/\s+/g, ' ').trim()));
      return rows.find((r) => r.includes('Зачисление') && r.includes('приказ № ' + READMIT_ORDER) && r.includes(env.PARTA_KEEPER_LOGIN));
    }, 'the access log has no admission by the secretary');
    return `read only; audit: ${audited}`;
  });
  await principal.context.close();
}

let readerName = '';
let readerId = '';
let newPhone = '';

async function main() {
  await launchBrowser();
  await keeperSteps();

  // 1) the reader (a parent) finds their own card: we learn its id and name
  {
    const { context, page } = await newPage({ width: 1366, height: 768 });
    await step('step 1: the parent signs in and finds their own card under "Люди"', async () => {
      readerName = await logIn(page, env.PARTA_READER_LOGIN, env.PARTA_READER_PASSWORD);
      await page.getByTestId('nav-registry').click();
      await expectText(page, 'page-title', /\S/, 'registry page title');
      const found = await search(page, 'parent', PREFIX);
      const own = found.find((r) => r.text === readerName);
      assert(own, `no parent row named ${JSON.stringify(readerName)} among ${JSON.stringify(found.map((r) => r.text))}`);
      readerId = own.id;
      const name = await openRowByKeyboard(page, readerId);
      assert(name === readerName, `card name ${JSON.stringify(name)}, expected ${JSON.stringify(readerName)}`);
      return `${readerName}, card ${readerId}`;
    });
    await context.close();
  }

  // 2) the editor (a class teacher)
  const { context, page } = await newPage({ width: 1366, height: 768 });
  await step('step 2: the class teacher signs in and opens "Реестр"/"Люди"', async () => {
    const who = await logIn(page, env.PARTA_EDITOR_LOGIN, env.PARTA_EDITOR_PASSWORD);
    // The navigation follows the permissions from /me: edit_own_class reads cards but
    // does not browse the register, keep the movement book or read the audit log.
    await expectText(page, 'nav-registry', 'Люди', 'nav label without browse_register');
    for (const id of ['nav-movements', 'nav-reports', 'nav-audit'])
      assert(!(await page.getByTestId(id).count()), `the class teacher is offered ${id}`);
    await page.getByTestId('nav-registry').click();
    await waitUntil(() => new URL(page.url()).pathname === '/registry', () => `URL is ${page.url()}, expected /registry`);
    const title = await expectText(page, 'page-title', /\S/, 'registry page title');
    await expectVisible(page, 'registry-search', 'search box');
    return `${who}; "${title}"`;
  });

  await step('axe: the register list has no serious/critical violations', () => axeCheck(page, 'the register list'));

  let students = [];
  await step(`step 3: students searched by "${PREFIX}" (typed, debounced)`, async () => {
    students = await search(page, 'student', PREFIX);
    await shot(page, '01-registry-students-1366.png');
    return `${students.length} row(s): ${students.slice(0, 3).map((r) => r.text).join('; ')}`;
  });

  await step('step 4: a wrong SNILS on the student card is refused next to the field', async () => {
    let opened = '';
    for (const r of students.slice(0, 5)) {
      opened = await openRowByKeyboard(page, r.id);
      if (await page.getByTestId('edit-button').isVisible()) break;
      opened = '';
      await page.goBack();
      await expectVisible(page, 'person-row-' + r.id, 'back to the list');
    }
    assert(opened, 'none of the first students found has an "Изменить" button for the class teacher');
    await expectText(page, 'consent-badge', 'Согласие на обработку ПДн', 'consent badge');
    await shot(page, '02-student-card-1366.png');
    await page.getByTestId('edit-button').click();
    const snils = page.getByTestId('input-snils');
    await expectVisible(page, 'input-snils', 'SNILS input');
    await snils.fill('112-233-445 96');
    await page.getByTestId('save-button').click();
    const text = await expectText(page, 'error-snils', /\S/, 'SNILS error');
    assert(CYRILLIC.test(text), `SNILS error is not Russian: ${JSON.stringify(text)}`);
    assert((await snils.getAttribute('aria-invalid')) === 'true', 'SNILS input lacks aria-invalid="true"');
    const describedBy = await snils.getAttribute('aria-describedby');
    assert(describedBy === 'error-snils', `SNILS input aria-describedby is ${JSON.stringify(describedBy)}`);
    await shot(page, '03-snils-error-1366.png');
    await page.getByTestId('cancel-button').click();
    await expectVisible(page, 'edit-button', 'after cancel');
    return `${opened}: ${JSON.stringify(text)}`;
  });

  await step(`step 5: the parent is found by "${PREFIX}" and opened with the keyboard`, async () => {
    await page.getByTestId('back-link').click();
    const parents = await search(page, 'parent', PREFIX);
    assert(parents.some((r) => r.id === readerId), `parent row ${readerId} (${readerName}) not in ${JSON.stringify(parents.map((r) => r.text))}`);
    const name = await openRowByKeyboard(page, readerId);
    assert(name === readerName, `card name ${JSON.stringify(name)}, expected ${JSON.stringify(readerName)}`);
    await expectVisible(page, 'edit-button', 'edit button on the parent card');
    return name;
  });

  await step('step 6: the phone is changed with the keyboard and saved', async () => {
    const old = (await page.getByTestId('field-phone').count()) ? await textOf(page.getByTestId('field-phone')) : '';
    do {
      newPhone = `+7 912 ${String(100 + Math.floor(Math.random() * 900))}-${String(10 + Math.floor(Math.random() * 90))}-${String(10 + Math.floor(Math.random() * 90))}`;
    } while (digits(newPhone) === digits(old));
    await page.getByTestId('edit-button').focus();
    await page.keyboard.press('Enter');
    const phone = page.getByTestId('input-phone');
    await expectVisible(page, 'input-phone', 'phone input');
    // Opening the form puts the focus on the surname a moment later
    // (setTimeout); wait for that before moving to the phone, or the typing
    // lands in the surname.
    await expectFocus(page, 'input-surname');
    await phone.focus();
    await expectFocus(page, 'input-phone');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type(newPhone, { delay: 10 });
    const patch = page.waitForRequest((r) => r.method() === 'PATCH' && new URL(r.url()).pathname === '/api/v1/people/' + readerId);
    await page.keyboard.press('Enter'); // submits the form
    const req = await patch;
    assert((await req.allHeaders())['x-csrf-token'], 'PATCH was sent without X-CSRF-Token');
    const sent = JSON.parse(req.postData() || '{}');
    assert(Number.isInteger(sent.version), 'PATCH body has no version');
    assert(JSON.stringify(Object.keys(sent.fields || {})) === '["phone"]', `PATCH sent more than the phone: ${JSON.stringify(sent.fields)}`);
    await expectVisible(page, 'save-status', 'saved notice');
    let seen = '';
    await waitUntil(async () => {
      seen = await textOf(page.getByTestId('field-phone'));
      return digits(seen) === digits(newPhone);
    }, () => `phone shows ${JSON.stringify(seen)}, expected ${newPhone}`);
    await shot(page, '04-parent-saved-1366.png');
    return `${old || '(empty)'} → ${seen}`;
  });

  await step('step 7: "История изменений" lists the phone change first', async () => {
    await page.getByTestId('history-tab').click();
    const first = page.getByTestId('history-row').first();
    await waitUntil(() => first.isVisible(), 'no history rows');
    const field = await textOf(first.getByTestId('history-field'));
    const value = await textOf(first.getByTestId('history-new'));
    assert(field.includes('телефон'), `newest history row is for ${JSON.stringify(field)}, expected the phone`);
    assert(digits(value) === digits(newPhone), `newest history value ${JSON.stringify(value)}, expected ${newPhone}`);
    await shot(page, '05-history-1366.png');
    await page.getByTestId('card-tab').click();
    return `${field}: ${value}`;
  });

  await step('axe: the card has no serious/critical violations', () => axeCheck(page, 'the card'));

  await step('step 8: print layout carries "Парта", the date and who printed', async () => {
    await page.emulateMedia({ media: 'print' });
    const stamp = await expectText(page, 'print-stamp', 'Парта', 'print stamp');
    assert(/\d{2}\.\d{2}\.\d{4}/.test(stamp), `print stamp has no date: ${JSON.stringify(stamp)}`);
    assert(stamp.includes(env.PARTA_EDITOR_LOGIN), `print stamp does not name the user: ${JSON.stringify(stamp)}`);
    assert(!(await page.getByTestId('nav').isVisible()), 'navigation is printed');
    await shot(page, '06-card-print.png');
    await page.emulateMedia({ media: 'screen' });
    return JSON.stringify(stamp);
  });

  await step('step 9: at 360×740 the list and the card fit the screen', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    const w1 = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(w1 <= 360, `card scrolls sideways at 360 px (scrollWidth ${w1})`);
    await shot(page, '07-card-360.png');
    await page.getByTestId('back-link').click();
    await expectVisible(page, 'person-row-' + readerId, 'list at 360 px');
    const w2 = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(w2 <= 360, `list scrolls sideways at 360 px (scrollWidth ${w2})`);
    await shot(page, '08-list-360.png');
    return `scrollWidth ${w1}, ${w2}`;
  });

  await step(`step 9a: the class teacher finds the admitted "${NEW_NAME}" in ${env.PARTA_CLASS_NAME}`, async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    const found = await search(page, 'student', NEW_STUDENT.surname);
    const row = found.find((r) => r.id === newId);
    assert(row && row.text === NEW_NAME, `the new student is not among ${JSON.stringify(found)}`);
    const cls = await textOf(page.getByTestId('person-row-' + newId).locator('td').first());
    assert(cls === env.PARTA_CLASS_NAME, `the new student's class reads ${JSON.stringify(cls)}`);
    await openRowByKeyboard(page, newId);
    assert(!(await page.getByTestId('movements-tab').count()), 'a class teacher sees the movement book tab');
    assert(!(await page.getByTestId('mv-act-admission').count()), 'a class teacher is offered movement actions');
    return cls;
  });
  await context.close();

  // 10) the reader sees the new phone
  {
    const reader = await newPage({ width: 1366, height: 768 });
    await step('step 10: the parent (new browser context) sees the new phone on their own card', async () => {
      const p = reader.page;
      await logIn(p, env.PARTA_READER_LOGIN, env.PARTA_READER_PASSWORD);
      await p.getByTestId('nav-registry').click();
      await search(p, 'parent', PREFIX);
      await openRowByKeyboard(p, readerId);
      let seen = '';
      await waitUntil(async () => {
        seen = await textOf(p.getByTestId('field-phone'));
        return digits(seen) === digits(newPhone);
      }, () => `parent sees phone ${JSON.stringify(seen)}, expected ${newPhone}`);
      await expectHidden(p, 'edit-button', 'the parent has no edit button on their own card');
      await shot(p, '09-parent-own-card-1366.png');
      return seen;
    });
    await reader.context.close();
  }
}

run(main);
