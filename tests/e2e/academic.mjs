#!/usr/bin/env node
// End-to-end check of the academic pages and the year closing on the
// generated school, against a running partad.
// 1. A teacher (PARTA_TEACHER_LOGIN) has "Моя нагрузка" and no plan pages;
//    it shows their own hours only (PARTA_TEACHER_NAME), and /academic is
//    not found for them.
// 2. The coordinator (PARTA_LOGIN) opens the plan check (clean), the teachers'
//    load (every teacher, the teacher among them) and the classes; the
//    calendar refuses a term outside the year beside the field and saves a
//    new holiday; then the
//    year closing: a refused preview without an order number (beside the
//    field), the preview, one student (PARTA_STUDENT_ID, found by the
//    surname prefix PARTA_STUDENT_SURNAME) marked as staying back makes the
//    preview stale, the new preview counts one fewer promotion and one
//    student staying back; the apply asks for a confirmation that it cannot
//    be undone; a student admitted after the preview makes the apply fail
//    (409, "preview again"); then the closed year's record shows the order and the
//    student kept back; it prints with the stamp and fits 360 px.
// axe runs on every new page.
//
// Env: PARTA_URL, PARTA_LOGIN, PARTA_PASSWORD (the coordinator),
//      PARTA_TEACHER_LOGIN, PARTA_TEACHER_PASSWORD, PARTA_TEACHER_NAME,
//      PARTA_STUDENT_ID, PARTA_STUDENT_SURNAME, PARTA_SCHOOL_YEAR (e.g. 2026),
//      PARTA_NINTH_ID, PARTA_NINTH_SURNAME (a 9th grader whose surname few students start with),
//      optional PARTA_SCREENSHOT_DIR, optional PARTA_CHROMIUM.
// Exit: 0 all steps passed; 1 a step failed; 2 bad usage.
import { createHarness } from './harness.mjs';

const { env, base: BASE, run, step, launchBrowser, newPage, axeCheck, shot, assert, waitUntil, expectFocus, textOf, expectText, expectVisible } =
  createHarness({
    name: 'academic',
    required: [
      'PARTA_URL', 'PARTA_LOGIN', 'PARTA_PASSWORD', 'PARTA_TEACHER_LOGIN', 'PARTA_TEACHER_PASSWORD',
      'PARTA_TEACHER_NAME', 'PARTA_STUDENT_ID', 'PARTA_STUDENT_SURNAME', 'PARTA_SCHOOL_YEAR',
      'PARTA_NINTH_ID', 'PARTA_NINTH_SURNAME',
    ],
    usage:
      'PARTA_URL=http://127.0.0.1:PORT PARTA_LOGIN=… PARTA_PASSWORD=… PARTA_TEACHER_LOGIN=… PARTA_TEACHER_PASSWORD=… ' +
      'PARTA_TEACHER_NAME=… PARTA_STUDENT_ID=N PARTA_STUDENT_SURNAME=… PARTA_SCHOOL_YEAR=2026 PARTA_NINTH_ID=N PARTA_NINTH_SURNAME=… ' +
      '[PARTA_SCREENSHOT_DIR=DIR] node academic.mjs',
    overallTimeoutMs: 180_000,
  });

const YEAR = Number(env.PARTA_SCHOOL_YEAR);
const YEAR_NAME = `${YEAR}/${YEAR + 1}`;
const ORDER = '№ 45-о/Ё';

async function signIn(page, login, password) {
  await page.goto(BASE + '/', { waitUntil: 'domcontentloaded' });
  await expectVisible(page, 'login-form', 'login page');
  await page.getByTestId('login-input').fill(login);
  await page.getByTestId('password-input').fill(password);
  await page.getByTestId('password-input').press('Enter');
  await expectText(page, 'user-name', /\S/, 'header after signing in');
}

async function count(page, testId) {
  return Number(await textOf(page.getByTestId(testId)));
}

async function main() {
  await launchBrowser();

  // ---------------------------------------------------------------- the teacher
  {
    const { context, page } = await newPage({ width: 1366, height: 768 });
    await step('teacher 1: "Моя нагрузка" in the nav, no plan check, classes but no year closing', async () => {
      await signIn(page, env.PARTA_TEACHER_LOGIN, env.PARTA_TEACHER_PASSWORD);
      await expectText(page, 'nav-myLoad', 'Моя нагрузка', 'nav link');
      for (const id of ['nav-academic', 'nav-yearClosing'])
        assert((await page.getByTestId(id).count()) === 0, `a teacher is offered ${id}`);
      await expectVisible(page, 'nav-classes', 'classes link');
      await expectVisible(page, 'nav-calendar', 'calendar link');
    });
    await step('teacher 2: "Моя нагрузка" shows only their own hours', async () => {
      await page.getByTestId('nav-myLoad').click();
      await expectText(page, 'page-title', 'Моя нагрузка', 'page title');
      await expectText(page, 'load-name', env.PARTA_TEACHER_NAME, 'teacher name');
      assert((await page.getByTestId('load-teacher').count()) === 1, 'a teacher sees another teacher\'s load');
      const hours = await textOf(page.getByTestId('load-hours'));
      assert(Number(hours.replace(',', '.')) > 0, `own load is ${hours}`);
      const lines = await page.getByTestId('load-line').count();
      assert(lines > 0, 'no lines in the own load');
      await expectText(page, 'input-year-select', YEAR_NAME, 'year chosen');
      await shot(page, 'academic-01-my-load.png');
      return `${hours} h in ${lines} line(s)`;
    });
    await step('teacher 3: "Моя нагрузка" passes axe; /academic is not found for a teacher', async () => {
      const note = await axeCheck(page, '/my-load');
      await page.goto(BASE + '/academic', { waitUntil: 'domcontentloaded' });
      await expectVisible(page, 'not-found', '/academic for a teacher');
      return note;
    });
    await context.close();
  }

  // ---------------------------------------------------------------- the coordinator
  const { page } = await newPage({ width: 1366, height: 768 });
  await step('coordinator 1: the plan check of the generated school is clean', async () => {
    await signIn(page, env.PARTA_LOGIN, env.PARTA_PASSWORD);
    await page.getByTestId('nav-academic').click();
    await expectText(page, 'page-title', 'Проверка учебного плана', 'page title');
    await expectText(page, 'plan-clean', 'Расхождений нет', 'clean plan');
    await shot(page, 'academic-02-plan-check.png');
    return axeCheck(page, '/academic');
  });

  await step('coordinator 2: the teachers\' load lists every teacher, the teacher among them', async () => {
    await page.getByTestId('ac-tab-load').click();
    await expectText(page, 'page-title', 'Нагрузка учителей', 'page title');
    await waitUntil(async () => (await page.getByTestId('load-teacher').count()) > 1, 'fewer than 2 teachers in the load');
    const teachers = await page.getByTestId('load-teacher').count();
    const mine = page.getByTestId('load-teacher').filter({ hasText: env.PARTA_TEACHER_NAME });
    assert((await mine.count()) === 1, `${env.PARTA_TEACHER_NAME} is not in the load`);
    await shot(page, 'academic-03-load.png');
    return `${teachers} teachers; ${await axeCheck(page, '/academic/load')}`;
  });

  await step('coordinator 2b: the curriculum of grade 5, with the keepers\' edit button', async () => {
    await page.getByTestId('ac-tab-curriculum').click();
    await expectText(page, 'page-title', 'Учебный план', 'page title');
    await waitUntil(async () => (await page.getByTestId('cur-line').count()) > 0, 'no curriculum lines for grade 5');
    await expectText(page, 'cur-table', 'Русский язык', 'a subject by name');
    await expectVisible(page, 'cur-edit', 'edit button');
    return `${await page.getByTestId('cur-line').count()} lines; ${await axeCheck(page, '/academic/curriculum')}`;
  });

  await step('coordinator 3: the classes of the year', async () => {
    await page.getByTestId('nav-classes').click();
    await expectText(page, 'page-title', 'Классы', 'page title');
    await waitUntil(async () => (await page.getByTestId('class-row').count()) > 0, 'no classes');
    const rows = await page.getByTestId('class-row').count();
    return `${rows} classes; ${await axeCheck(page, '/classes')}`;
  });

  await step('coordinator 4: the calendar refuses a term outside the year beside the field, then saves a new holiday', async () => {
    await page.getByTestId('nav-calendar').click();
    await expectText(page, 'page-title', 'Календарь учебного года', 'page title');
    await waitUntil(async () => (await page.getByTestId('cal-period').count()) > 0, 'no terms in the calendar');
    await page.getByTestId('cal-edit').click();
    const start = page.getByTestId('input-cal-periods-0-startsOn');
    const was = await start.inputValue();
    await start.fill(`${YEAR - 1}-08-01`);
    await page.getByTestId('cal-save').click();
    await expectText(page, 'error-cal-periods-0-startsOn', 'вне учебного года', 'term error');
    await expectFocus(page, 'cal-periods-0-startsOn');
    const note = await axeCheck(page, 'the calendar form with an error');
    await start.fill(was);
    await page.getByTestId('cal-add-holiday').click();
    const last = (await page.locator('[data-testid^="input-cal-holidays-"][data-testid$="-name"]').count()) - 1;
    await page.getByTestId(`input-cal-holidays-${last}-name`).fill('Дни здоровья «Ёлочка»');
    await page.getByTestId(`input-cal-holidays-${last}-startsOn`).fill(`${YEAR}-12-24`);
    await page.getByTestId(`input-cal-holidays-${last}-endsOn`).fill(`${YEAR}-12-25`);
    await page.getByTestId('cal-save').click();
    await expectText(page, 'cal-saved', 'Сохранено', 'saved');
    const holiday = page.getByTestId('cal-holiday').filter({ hasText: 'Дни здоровья «Ёлочка»' });
    assert((await holiday.count()) === 1, 'the new holiday is not in the calendar');
    await shot(page, 'academic-035-calendar.png');
    return `${await textOf(holiday)}; ${note}`;
  });

  let before;
  await step('coordinator 5: year closing refuses a preview without an order number, beside the field', async () => {
    await page.getByTestId('nav-yearClosing').click();
    await expectText(page, 'page-title', 'Закрытие учебного года', 'page title');
    await expectText(page, 'input-year-select', YEAR_NAME, 'year chosen');
    await page.getByTestId('input-close-orderDate').fill(`${YEAR + 1}-05-28`);
    await page.getByTestId('yc-preview').click();
    await expectText(page, 'error-close-orderNumber', 'Обязательное поле', 'order number error');
    await expectFocus(page, 'close-orderNumber');
    return axeCheck(page, '/year-closing with an error');
  });

  await step('coordinator 6: the preview shows the next year\'s classes, graduates and totals', async () => {
    await page.getByTestId('input-close-orderNumber').fill(ORDER);
    await page.getByTestId('yc-preview').click();
    await expectVisible(page, 'yc-plan', 'the plan');
    before = {
      promoted: await count(page, 'yc-total-promoted'),
      graduates: await count(page, 'yc-total-graduates'),
      staysBack: await count(page, 'yc-total-staysBack'),
    };
    assert(before.promoted > 0 && before.graduates > 0, `totals ${JSON.stringify(before)}`);
    assert(before.staysBack === 0, `${before.staysBack} stay back before anyone was chosen`);
    assert((await page.getByTestId('yc-class').count()) > 0, 'no classes in the plan');
    assert((await page.getByTestId('yc-grad-class').count()) > 0, 'no graduates by class');
    await shot(page, 'academic-04-preview.png', { fullPage: false });
    return `${JSON.stringify(before)}; ${await axeCheck(page, 'the preview')}`;
  });

  await step('coordinator 7: a student marked as staying back makes the preview stale; the new one counts them', async () => {
    await page.getByTestId('yc-search').fill(env.PARTA_STUDENT_SURNAME);
    const stay = page.getByTestId('yc-stay-' + env.PARTA_STUDENT_ID);
    await stay.click();
    await waitUntil(async () => (await page.getByTestId('yc-plan').count()) === 0, 'the old preview is still shown');
    await expectText(page, 'yc-stays', env.PARTA_STUDENT_SURNAME, 'the chosen student');
    assert(await stay.isDisabled(), 'the student can be chosen twice');
    await page.getByTestId('yc-preview').click();
    await expectVisible(page, 'yc-plan', 'the new plan');
    await waitUntil(async () => (await count(page, 'yc-total-staysBack')) === 1, 'staysBack total is not 1');
    const promoted = await count(page, 'yc-total-promoted');
    assert(promoted === before.promoted - 1, `promoted ${promoted}, expected ${before.promoted - 1}`);
    await expectText(page, 'yc-class-stays-list', env.PARTA_STUDENT_SURNAME, 'the student in their class\'s list');
    return `promoted ${before.promoted} → ${promoted}`;
  });

  await step('coordinator 7b: a 9th grader continuing to a 10th class that will not be is refused beside the field; then they no longer graduate', async () => {
    const graduates = await count(page, 'yc-total-graduates');
    const promoted = await count(page, 'yc-total-promoted');
    await page.getByTestId('yc-search').fill(env.PARTA_NINTH_SURNAME);
    await page.getByTestId('yc-continue-' + env.PARTA_NINTH_ID).click();
    await expectText(page, 'yc-continuing', env.PARTA_NINTH_SURNAME, 'the continuing student');
    await page.getByTestId('input-cont-0-toClass').fill('10Я');
    await page.getByTestId('yc-preview').click();
    await expectText(page, 'error-cont-0-toClass', 'Такого 10 класса не будет', 'class error');
    await expectFocus(page, 'cont-0-toClass');
    const note = await axeCheck(page, 'the wizard with a class error');
    await page.getByTestId('input-cont-0-toClass').fill('');
    await page.getByTestId('yc-preview').click();
    await expectVisible(page, 'yc-plan', 'the new plan');
    await waitUntil(async () => (await count(page, 'yc-total-graduates')) === graduates - 1, 'graduates did not drop by one');
    assert((await count(page, 'yc-total-promoted')) === promoted + 1, 'the continuing student is not promoted');
    before.promoted += 1;
    return `graduates ${graduates} → ${graduates - 1}; ${note}`;
  });

  await step('coordinator 8: applying asks for a confirmation that it cannot be undone; cancel keeps the year open', async () => {
    await page.getByTestId('yc-apply').click();
    await expectText(page, 'yc-confirm', 'Это действие нельзя отменить', 'confirmation');
    await expectFocus(page, 'yc-confirm-yes', 'data-testid');
    await axeCheck(page, 'the confirmation');
    await page.getByTestId('yc-confirm-no').click();
    assert((await page.getByTestId('yc-confirm').count()) === 0, 'the confirmation stays after cancel');
    await shot(page, 'academic-05-confirm.png', { fullPage: false });
  });

  await step('coordinator 8b: a student admitted after the preview → the apply is refused (409), preview again', async () => {
    // Another keeper's work in the meantime, through the API with the coordinator's session.
    const admitted = await page.evaluate(async (year) => {
      const me = await (await fetch('/api/v1/me')).json();
      const headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrfToken };
      const classes = (await (await fetch('/api/v1/classes?year=' + year)).json()).classes;
      const target = classes.find((c) => c.grade === 6) ?? classes[0];
      const person = await fetch('/api/v1/people', {
        method: 'POST', headers,
        body: JSON.stringify({ kind: 'student', surname: "Д'Артаньян-Ёлкина", firstName: 'Алёна', patronymic: 'Фёдоровна', birthDate: '2014-03-04', sex: 'female' }),
      });
      const { id } = await person.json();
      const move = await fetch('/api/v1/people/' + id + '/movements', {
        method: 'POST', headers,
        body: JSON.stringify({ kind: 'admission', date: year + '-10-01', orderNumber: '№ 7-у', orderDate: year + '-10-01', toClass: target.id }),
      });
      return `${person.status}/${move.status} → ${target.name}`;
    }, YEAR);
    assert(/^201\/20\d/.test(admitted), `admission through the API: ${admitted}`);
    await page.getByTestId('yc-apply').click();
    await page.getByTestId('yc-confirm-yes').click();
    await expectText(page, 'yc-form-error', 'Посмотрите, что получится, ещё раз', 'the stale preview message');
    assert((await page.getByTestId('yc-plan').count()) === 0, 'the stale plan is still shown');
    await page.getByTestId('yc-preview').click();
    await expectVisible(page, 'yc-plan', 'the new plan');
    await waitUntil(async () => (await count(page, 'yc-total-promoted')) === before.promoted, 'promoted total did not grow by the admitted student');
    before.promoted += 1; // the admitted student is promoted too; the kept-back one is already counted out
    return admitted;
  });

  await step('coordinator 9: the year is closed; its record shows the order and the student kept back', async () => {
    await page.getByTestId('yc-apply').click();
    await page.getByTestId('yc-confirm-yes').click();
    const done = await expectText(page, 'yc-done', 'закрыт', 'result');
    await page.getByTestId('yc-show-record').click();
    await expectVisible(page, 'input-year-select', 'year select');
    await page.getByTestId('input-year-select').selectOption(String(YEAR));
    await expectText(page, 'yc-record-order', ORDER, 'order in the record');
    await expectText(page, 'yc-record-count-kept_back', '1', 'kept back count');
    await expectText(page, 'yc-record-kept_back', env.PARTA_STUDENT_SURNAME, 'the student kept back');
    const promoted = await count(page, 'yc-record-count-promoted');
    assert(promoted === before.promoted - 1, `record: promoted ${promoted}`);
    await shot(page, 'academic-06-record.png', { fullPage: false });
    return `${done.slice(0, 80)}; ${await axeCheck(page, 'the closed year')}`;
  });

  await step('coordinator 10: the record prints with the stamp and the lists; fits 360 px', async () => {
    await page.emulateMedia({ media: 'print' });
    const stamp = await expectText(page, 'print-stamp', 'Парта', 'print stamp');
    assert(stamp.includes(env.PARTA_LOGIN), `the stamp does not name the user: ${stamp}`);
    assert(!(await page.getByTestId('nav').isVisible()), 'navigation is printed');
    assert(await page.getByTestId('yc-record-graduated').isVisible(), 'graduates are not printed');
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 360, height: 740 });
    await expectVisible(page, 'yc-record', 'record at 360 px');
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(w <= 360, `the record scrolls sideways at 360 px (scrollWidth ${w})`);
    await shot(page, 'academic-07-record-360.png', { fullPage: false });
    return stamp;
  });
}

run(main);
