#!/usr/bin/env node
// End-to-end check of the federation pages against two running partad nodes:
// a municipal hub and a school under it (real key files, the school's
// parent_url through a proxy to the hub).
//  1. The hub's federation_admin opens "Узлы": no children yet; an empty
//     enrolment form is refused beside the field; a code is issued for the
//     school (Cyrillic name, ИНН, ОГРН, код ОО) and shown once with its expiry.
//  2. The school's sysadmin opens "Федерация": no parent; enrols with the
//     parent's URL and that code; the parent's code and key are shown.
//  3. "Отправить сейчас" queues the school's tables; the outbox empties
//     (acknowledged > 0) as the relay delivers them.
//  4. The hub's "Узлы" shows the school, active, with a recent last contact
//     (not marked old) and its key epoch.
//  5. The school changes its key (after a confirmation): epoch 2 on both nodes.
//  6. With PARTA_REPORTS=1 (the hub's returns and reports API present): the
//     analyst approves the school's return on "Сдача отчётности", opens a
//     consolidated report, the chart has bars, the stamp is on every printed
//     page, the server's CSV (BOM, ';') and XLSX downloads hold the school's
//     row with Cyrillic.
// axe runs on every page; at 360 px no page scrolls sideways.
//
// Env: PARTA_HUB_URL, PARTA_SCHOOL_URL, PARTA_PARENT_URL (what the school
//      types as its parent's address), PARTA_LOGIN, PARTA_PASSWORD (an
//      administrator on both nodes), PARTA_SCHOOL_CODE, PARTA_SCHOOL_NAME;
//      optional PARTA_REPORTS=1 with PARTA_ANALYST_LOGIN, PARTA_ANALYST_PASSWORD,
//      and PARTA_EXPORTS=1 to check the server's reports?…&format=csv|xlsx;
//      PARTA_SCREENSHOT_DIR, PARTA_CHROMIUM.
// Exit: 0 all steps passed; 1 a step failed; 2 bad usage.
import { readFileSync } from 'node:fs';
import { createHarness } from './harness.mjs';

const h = createHarness({
  name: 'federation',
  required: ['PARTA_HUB_URL', 'PARTA_SCHOOL_URL', 'PARTA_PARENT_URL', 'PARTA_LOGIN', 'PARTA_PASSWORD', 'PARTA_SCHOOL_CODE', 'PARTA_SCHOOL_NAME'],
  usage:
    'PARTA_HUB_URL=… PARTA_SCHOOL_URL=… PARTA_PARENT_URL=… PARTA_LOGIN=… PARTA_PASSWORD=… PARTA_SCHOOL_CODE=school-1 ' +
    'PARTA_SCHOOL_NAME=… [PARTA_REPORTS=1 PARTA_ANALYST_LOGIN=… PARTA_ANALYST_PASSWORD=…] node federation.mjs',
  overallTimeoutMs: 240_000,
});
const { env, run, step, launchBrowser, newPage, axeCheck, shot, assert, waitUntil, expectFocus, textOf, expectText, expectVisible } = h;
/** The table whose report step 11 showed: the 360-px check opens it too. */
let reportTable = '';
const HUB = env.PARTA_HUB_URL.replace(/\/+$/, '');
const SCHOOL = env.PARTA_SCHOOL_URL.replace(/\/+$/, '');

async function signIn(page, base, login, password) {
  await page.goto(base + '/', { waitUntil: 'domcontentloaded' });
  await expectVisible(page, 'login-form', 'login page');
  await page.getByTestId('login-input').fill(login);
  await page.getByTestId('password-input').fill(password);
  await page.getByTestId('password-input').press('Enter');
  await expectText(page, 'user-name', /\S/, 'header after signing in');
}

async function open(page, nav, title) {
  await page.getByTestId('nav-' + nav).click();
  await expectText(page, 'page-title', title, 'page title');
}

async function noSideways(page, where) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(w <= 0, `${where} scrolls sideways at 360 px by ${w} px`);
}

/** Entries of a ZIP (STORED or deflated) read from its central directory. */
async function unzip(buf) {
  const { inflateRawSync } = await import('node:zlib');
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert(eocd >= 0, 'XLSX: no end of central directory');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const files = new Map();
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const n = buf.readUInt16LE(p + 28);
    const skip = n + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + n).toString('utf8');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + size);
    files.set(name, method === 0 ? raw : inflateRawSync(raw));
    p += 46 + skip;
  }
  return files;
}

async function main() {
  await launchBrowser();
  const { page: hub } = await newPage({ width: 1366, height: 768 });
  let code = '';

  await step('step 1: the hub\'s administrator opens "Узлы" (no children yet) and passes axe', async () => {
    await signIn(hub, HUB, env.PARTA_LOGIN, env.PARTA_PASSWORD);
    // A hub keeps no school: its sysadmin is offered hub sections only
    // (roles.ts), not the register, timetable or journal as empty pages.
    const hubSections = ['me', 'nodes', 'returns', 'summaryReports', 'federation', 'accounts', 'updates'];
    const sections = await hub.locator('[data-testid^="nav-"]').evaluateAll((xs) => xs.map((x) => x.getAttribute('data-testid').slice(4)).filter((x) => x !== 'toggle'));
    assert(sections.includes('nodes'), `no «Узлы» in the hub's navigation: ${sections}`);
    const foreign = sections.filter((x) => !hubSections.includes(x));
    assert(foreign.length === 0, `the hub's navigation offers school sections: ${foreign}`);
    await open(hub, 'nodes', 'Узлы');
    await expectVisible(hub, 'nodes-empty', 'empty list of children');
    await expectVisible(hub, 'alarms-empty', 'no alarms');
    return axeCheck(hub, '/nodes');
  });

  await step('step 2: an empty enrolment form is refused beside the field', async () => {
    await hub.getByTestId('nc-submit').click();
    await expectText(hub, 'error-nc-nodeCode', 'Заполните', 'node code error');
    await expectFocus(hub, 'nc-nodeCode');
    return axeCheck(hub, '/nodes with errors');
  });

  await step('step 3: a code is issued for the school, shown once with its expiry', async () => {
    await hub.getByTestId('input-nc-nodeCode').fill(env.PARTA_SCHOOL_CODE);
    await hub.getByTestId('input-nc-name').fill(env.PARTA_SCHOOL_NAME);
    await hub.getByTestId('input-nc-inn').fill('7707083893');
    await hub.getByTestId('input-nc-ogrn').fill('1027700132195');
    await hub.getByTestId('input-nc-ooCode').fill('0101001');
    await hub.getByTestId('input-nc-validFor').selectOption('24h');
    await hub.getByTestId('nc-submit').click();
    code = await expectText(hub, 'issued-value', /^[0-9A-Z]{4}(-[0-9A-Z*~$=]{1,4})+$/, 'issued code');
    const expires = await expectText(hub, 'issued-expires', /\d{2}\.\d{2}\.\d{4}/, 'expiry');
    await expectText(hub, 'issued-code', env.PARTA_SCHOOL_CODE, 'code names the node');
    assert((await hub.getByTestId('input-nc-nodeCode').inputValue()) === '', 'the form is not cleared');
    await shot(hub, 'fed-01-code.png');
    await axeCheck(hub, '/nodes with the code');
    // The hub's action log (GET /federation/audit, refreshed with the list) has the issue.
    await hub.reload({ waitUntil: 'domcontentloaded' });
    const issuedRow = hub.locator('[data-testid=hub-audit-row][data-action=enrolment_code_issued]');
    await waitUntil(async () => (await issuedRow.count()) > 0, 'the action log has no «выдан код подключения»');
    assert((await textOf(issuedRow.first())).includes(env.PARTA_SCHOOL_CODE), 'the action log row does not name the school');
    return `${code}, valid until ${expires}`;
  });

  const { page: school } = await newPage({ width: 1366, height: 768 });
  await step('step 4: the school\'s sysadmin opens "Федерация": key, no parent, the enrolment form; axe', async () => {
    await signIn(school, SCHOOL, env.PARTA_LOGIN, env.PARTA_PASSWORD);
    await open(school, 'federation', 'Федерация');
    await expectText(school, 'fed-node-code', env.PARTA_SCHOOL_CODE, 'node code');
    await expectText(school, 'fed-fingerprint', /^([0-9A-F]{4} ){15}[0-9A-F]{4}$/, 'key fingerprint');
    await expectVisible(school, 'enrol-form', 'enrolment form');
    return axeCheck(school, '/federation before enrolment');
  });

  await step('step 5: a wrong code is refused; the issued one enrols the school and pins the parent', async () => {
    await school.getByTestId('input-fe-url').fill(env.PARTA_PARENT_URL);
    await school.getByTestId('input-fe-code').fill('AAAA-BBBB-CCCC-DDDD');
    await school.getByTestId('fe-submit').click();
    await waitUntil(
      async () => (await school.getByTestId('fe-error').isVisible()) || (await school.getByTestId('error-fe-code').isVisible()),
      'a wrong code is not refused',
    );
    await school.getByTestId('input-fe-code').fill(code);
    await school.getByTestId('fe-submit').click();
    await expectText(school, 'fed-parent-code', 'mun-', 'parent code');
    await expectText(school, 'fed-parent-key', /^([0-9A-F]{4} ){15}[0-9A-F]{4}$/, 'pinned key');
    await expectText(school, 'fed-notice', 'подключён', 'notice');
    await shot(school, 'fed-02-enrolled.png');
    return axeCheck(school, '/federation after enrolment');
  });

  await step('step 6: "Отправить сейчас" queues tables; the relay delivers them (acknowledged, none pending)', async () => {
    await school.getByTestId('fed-release').click();
    const note = await expectText(school, 'fed-notice', /Поставлено в очередь таблиц: \d+|Новых данных нет/, 'release notice');
    await waitUntil(async () => {
      await school.getByTestId('fed-refresh').click();
      const pending = await textOf(school.getByTestId('ob-pending'));
      const acked = Number(await textOf(school.getByTestId('ob-acked')));
      return pending === '0' && acked > 0;
    }, 'the outbox did not empty', 60_000);
    await shot(school, 'fed-03-sent.png');
    return `${note}; acknowledged ${await textOf(school.getByTestId('ob-acked'))}`;
  });

  await step('step 7: the hub\'s "Узлы" shows the school active with a recent last contact', async () => {
    await hub.reload({ waitUntil: 'domcontentloaded' });
    const row = hub.locator(`[data-testid=node-row][data-code="${env.PARTA_SCHOOL_CODE}"]`);
    await waitUntil(async () => {
      if (!(await row.isVisible())) {
        await hub.reload({ waitUntil: 'domcontentloaded' });
        return false;
      }
      const contact = await textOf(row.getByTestId('node-contact'));
      return /только что|мин назад/.test(contact);
    }, 'the school has no recent last contact on the hub', 30_000);
    assert((await textOf(row)).includes(env.PARTA_SCHOOL_NAME), 'the row does not name the school');
    await expectText(hub, 'node-status', 'работает', 'status');
    assert((await row.getByTestId('node-contact').getAttribute('data-old')) === 'false', 'a fresh contact is marked old');
    assert((await textOf(row.getByTestId('node-epoch'))) === '1', 'key epoch is not 1');
    await shot(hub, 'fed-04-nodes.png');
    await axeCheck(hub, '/nodes with the school');
    return await textOf(row.getByTestId('node-contact'));
  });

  await step('step 8: a revocation asks first; cancelling keeps the school', async () => {
    const row = hub.locator(`[data-testid=node-row][data-code="${env.PARTA_SCHOOL_CODE}"]`);
    await row.getByTestId('node-revoke').click();
    await expectText(hub, 'revoke-confirm', env.PARTA_SCHOOL_NAME, 'confirmation');
    await expectFocus(hub, 'revoke-no', 'data-testid');
    await axeCheck(hub, '/nodes revoke confirmation');
    await hub.keyboard.press('Enter'); // «Отмена» has the focus
    await h.expectHidden(hub, 'revoke-confirm', 'confirmation after cancel');
    await expectText(hub, 'node-status', 'работает', 'status after cancel');
  });

  await step('step 9: the school changes its key after a confirmation; the hub then shows key epoch 2', async () => {
    await school.getByTestId('fed-rotate').click();
    await expectText(school, 'rotate-confirm', 'Сменить ключ узла?', 'confirmation');
    await axeCheck(school, '/federation key change confirmation');
    const before = await textOf(school.getByTestId('fed-fingerprint'));
    await school.getByTestId('rotate-yes').click();
    await expectText(school, 'fed-notice', 'эпоха ключа: 2', 'notice');
    await expectText(school, 'fed-epoch', '2', 'epoch on the page');
    assert((await textOf(school.getByTestId('fed-fingerprint'))) !== before, 'the key fingerprint did not change');
    const row = hub.locator(`[data-testid=node-row][data-code="${env.PARTA_SCHOOL_CODE}"]`);
    await waitUntil(async () => {
      await hub.reload({ waitUntil: 'domcontentloaded' });
      await row.waitFor({ timeout: 5000 });
      return (await textOf(row.getByTestId('node-epoch'))) === '2';
    }, 'the hub does not show key epoch 2', 30_000);
    await shot(school, 'fed-04b-rotated.png');
  });

  if (process.env.PARTA_REPORTS === '1') await reports();

  await step('step 13: at 360 px neither the hub\'s pages nor the school\'s page scroll sideways', async () => {
    const { page: narrow } = await newPage({ width: 360, height: 740 });
    await signIn(narrow, HUB, env.PARTA_LOGIN, env.PARTA_PASSWORD);
    const seen = [];
    for (const path of ['/nodes', '/returns', '/summary-reports']) {
      await narrow.goto(HUB + path, { waitUntil: 'domcontentloaded' });
      await expectText(narrow, 'page-title', /\S/, path);
      await narrow.waitForLoadState('networkidle').catch(() => undefined);
      if (path === '/summary-reports' && reportTable) {
        await narrow.getByTestId('input-rep-table').selectOption(reportTable);
        await expectVisible(narrow, 'rep-table', 'the report at 360 px');
        await shot(narrow, 'fed-05b-narrow-report.png');
      }
      await noSideways(narrow, 'hub ' + path);
      seen.push(path);
    }
    await shot(narrow, 'fed-05-narrow-hub.png');
    const { page: narrowSchool } = await newPage({ width: 360, height: 740 });
    await signIn(narrowSchool, SCHOOL, env.PARTA_LOGIN, env.PARTA_PASSWORD);
    await narrowSchool.goto(SCHOOL + '/federation', { waitUntil: 'domcontentloaded' });
    await expectVisible(narrowSchool, 'fed-parent-key', 'parent at 360 px');
    await noSideways(narrowSchool, 'school /federation');
    await shot(narrowSchool, 'fed-06-narrow-school.png');
    return seen.concat('/federation').join(', ');
  });
}

/**
 * Prints the page to PDF and checks that the first text run of page 1 (the
 * stamp: system, node, date, who) is drawn on every page; returns the count.
 * Chromium writes one content stream per page, deflated, glyphs as hex runs.
 */
async function stampedPages(page) {
  const { inflateSync } = await import('node:zlib');
  const pdf = await page.pdf({ format: 'A4' });
  const raw = pdf.toString('latin1');
  const streams = [];
  const re = /stream\r?\n/g;
  let m;
  while ((m = re.exec(raw))) {
    const start = m.index + m[0].length;
    try {
      streams.push(inflateSync(pdf.subarray(start, raw.indexOf('endstream', start))).toString('latin1'));
    } catch {
      /* not a deflated stream (fonts, images) */
    }
  }
  const pages = streams.filter((t) => /\bBT\b/.test(t) && /\bTj\b|\bTJ\b/.test(t));
  assert(pages.length > 0, 'the PDF has no text pages');
  const first = /<([0-9A-Fa-f]{8,})>/.exec(pages[0])?.[1];
  assert(first, 'no text run on page 1');
  const missing = pages.map((p, i) => (p.includes(first) ? 0 : i + 1)).filter(Boolean);
  assert(missing.length === 0, `the print stamp is missing on page(s) ${missing.join(', ')} of ${pages.length}`);
  return pages.length;
}

async function reports() {
  const { page } = await newPage({ width: 1366, height: 768 });
  await step('step 10: the analyst approves the school\'s return on "Сдача отчётности"', async () => {
    await signIn(page, HUB, process.env.PARTA_ANALYST_LOGIN, process.env.PARTA_ANALYST_PASSWORD);
    await open(page, 'returns', 'Сдача отчётности');
    // The period of the school's day tables: today.
    const d = new Date();
    const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    await page.getByTestId('input-ret-period').fill(day);
    await page.getByTestId('ret-show').click();
    const row = page.locator(`[data-testid=ret-row][data-code="${env.PARTA_SCHOOL_CODE}"]`);
    await waitUntil(() => row.isVisible(), 'the school is not in the returns grid');
    const button = row.getByTestId('ret-approve').first();
    await waitUntil(() => button.isVisible(), 'nothing to approve for the school');
    const table = await button.evaluate((b) => b.closest('td').getAttribute('data-table'));
    await button.click();
    const cell = row.locator(`[data-testid=ret-cell][data-table="${table}"]`);
    await waitUntil(async () => (await cell.getAttribute('data-approval')) === 'approved', 'the cell is not approved');
    await shot(page, 'fed-07-returns.png');
    await axeCheck(page, '/returns');
    return table;
  });

  await step('step 11: a consolidated report: the school\'s rows, totals, the chart, the legend; print stamp', async () => {
    await open(page, 'summaryReports', 'Сводные отчёты');
    // The first catalogue table with a period; a refusal of any table fails the step.
    const refused = [];
    await expectVisible(page, 'input-rep-table', 'the table picker');
    let table = '';
    let period = '';
    for (const id of await page.getByTestId('input-rep-table').locator('option').evaluateAll((os) => os.map((o) => o.value))) {
      await page.getByTestId('input-rep-table').selectOption(id);
      if (!(await page.getByTestId('input-rep-period').isVisible().catch(() => false))) continue;
      period = await page.getByTestId('input-rep-period').inputValue();
      const shown = await waitUntil(
        async () => (await page.getByTestId('rep-table').isVisible()) || (await page.getByTestId('rep-error').isVisible()),
        'neither a report nor an error',
      );
      if (shown && (await page.getByTestId('rep-table').isVisible())) {
        table = id;
        break;
      }
      const body = await page.evaluate(async (q) => (await fetch('/api/v1/federation/reports?' + q)).text(), `table=${id}&period=${period}`);
      refused.push(`${id} ${period}: ${body.slice(0, 200)}`);
    }
    assert(table && refused.length === 0, `the hub refused a report:\n    ${refused.join('\n    ')}`);
    reportTable = table;
    const rows = page.locator(`[data-testid=rep-row][data-unit="${env.PARTA_SCHOOL_CODE}"]`);
    assert((await rows.count()) > 0, 'the school has no rows in the report');
    assert((await page.getByTestId('rep-total-row').count()) > 0, 'no totals');
    assert((await page.getByTestId('rep-bar').count()) > 0, 'the chart has no bars');
    await expectText(page, 'rep-legend', '≤4', 'legend');
    await page.emulateMedia({ media: 'print' });
    await expectVisible(page, 'print-stamp', 'print stamp');
    const pages = await stampedPages(page);
    await page.emulateMedia({ media: 'screen' });
    await shot(page, 'fed-08-report.png');
    const axe = await axeCheck(page, '/summary-reports');
    return `${table} ${period}: stamp on ${pages} printed page(s); ${axe}`;
  });

  if (process.env.PARTA_EXPORTS !== '1') {
    console.log('skip step 12: the server\'s CSV/XLSX exports (PARTA_EXPORTS is not 1)');
    return;
  }
  await step('step 12: CSV (BOM, ";") and XLSX downloads hold the school\'s row with Cyrillic', async () => {
    const [csvDl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('rep-csv').click()]);
    const csv = readFileSync(await csvDl.path(), 'utf8');
    assert(csv.charCodeAt(0) === 0xfeff, 'the CSV has no BOM');
    const lines = csv.slice(1).split(/\r?\n/);
    assert(lines[0].split(';').length >= 3 && /[А-Яа-яЁё]/.test(lines[0]), `CSV header: ${lines[0]}`);
    assert(lines.some((l) => l.includes(env.PARTA_SCHOOL_CODE) && l.includes(env.PARTA_SCHOOL_NAME.replace(/"/g, '""'))),
      'no CSV row with the school\'s code and name');
    assert(lines.some((l) => l.startsWith('Итого') || l.includes(';Итого;') || l.startsWith('"Итого"')), 'no CSV totals row');
    const [xDl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('rep-xlsx').click()]);
    const files = await unzip(readFileSync(await xDl.path()));
    for (const part of ['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/worksheets/sheet1.xml'])
      assert(files.has(part), 'XLSX lacks ' + part);
    const sheet = files.get('xl/worksheets/sheet1.xml').toString('utf8');
    const esc = env.PARTA_SCHOOL_NAME.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    assert(sheet.includes('>' + esc + '</t>'), 'the XLSX sheet has no cell with the school\'s name');
    assert(sheet.includes('>Итого</t>'), 'the XLSX sheet has no totals');
    return `${lines.length - 1} CSV lines, sheet ${sheet.length} bytes`;
  });
}

run(main);
