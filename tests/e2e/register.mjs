#!/usr/bin/env node
// End-to-end check of the school register pages ("Реестр" / "Люди") against a
// running partad with a loaded register. Same harness (harness.mjs) as login.mjs.
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
//      optional PARTA_SCREENSHOT_DIR, optional PARTA_CHROMIUM (default /usr/bin/chromium).
// Exit: 0 all steps passed; 1 a step failed (or the 180 s limit was hit); 2 bad usage.
import { createHarness } from './harness.mjs';

const {
  env, base: BASE, run, step, launchBrowser, newPage, axeCheck, shot,
  assert, waitUntil, textOf, expectText, expectVisible, expectHidden, CYRILLIC,
} = createHarness({
  name: 'register',
  required: [
    'PARTA_URL', 'PARTA_EDITOR_LOGIN', 'PARTA_EDITOR_PASSWORD',
    'PARTA_READER_LOGIN', 'PARTA_READER_PASSWORD', 'PARTA_STUDENT_SURNAME',
  ],
  usage: 'PARTA_URL=http://127.0.0.1:PORT PARTA_EDITOR_LOGIN=… PARTA_EDITOR_PASSWORD=… PARTA_READER_LOGIN=… PARTA_READER_PASSWORD=… PARTA_STUDENT_SURNAME=… [PARTA_SCREENSHOT_DIR=DIR] node register.mjs',
  overallTimeoutMs: 180_000,
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

let readerName = '';
let readerId = '';
let newPhone = '';

async function main() {
  await launchBrowser();

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
    await phone.focus();
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
