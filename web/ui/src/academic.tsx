// The academic structure: the plan check and teachers' load (/academic,
// /academic/load, /academic/curriculum for the register's keepers and the
// principal), a teacher's own load (/my-load), the list of classes
// (/classes) and the school calendar (/calendar; the keepers edit it).
// Every page works on one school year, chosen at the top (the open year first).
import { useEffect, useState } from 'preact/hooks';
import {
  ApiError, checkPlan, currentYear, getCalendar, getClasses, getCurriculum, getLoad, getYears, putCalendar, putCurriculum,
  type ClassRow, type PeriodScheme, type PlanIssue, type PlanLine, type SchoolCalendar, type SchoolYear, type TeacherLoad,
} from './api';
import { latest } from './load';
import { errorMessage } from './errors';
import { formatDate } from './fields';
import { Field, FormAlert } from './forms';
import { useI18n, type Lang, type MessageKey } from './i18n';
import { NotFoundPage, PageTitle } from './pages';
import { ErrorBox, PrintButton } from './registry';
import { linkClick, usePath } from './router';
import { SUBJECT_CODES, hoursText, subjectName } from './subjects';

// ---------------------------------------------------------------- the year

// The year chosen on one page stays chosen on the others while the app runs.
let chosenYear: number | null = null;

export function yearName(y: number): string {
  return `${y}/${y + 1}`;
}

export function useYear(): { years: SchoolYear[] | null; year: number | null; setYear: (y: number) => void; error: unknown; reload: () => void } {
  const [years, setYears] = useState<SchoolYear[] | null>(null);
  const [year, setYearState] = useState<number | null>(chosenYear);
  const [error, setError] = useState<unknown>(null);
  const load = () => {
    setError(null);
    getYears().then((ys) => {
      setYears(ys);
      if (chosenYear === null || !ys.some((y) => y.year === chosenYear)) chosenYear = currentYear(ys);
      setYearState(chosenYear);
    }, setError);
  };
  useEffect(load, []);
  const setYear = (y: number) => {
    chosenYear = y;
    setYearState(y);
  };
  return { years, year, setYear, error, reload: load };
}

export function YearPicker({ years, year, onChange }: { years: SchoolYear[]; year: number | null; onChange: (y: number) => void }) {
  const { t } = useI18n();
  return (
    <div class="toolbar no-print">
      <Field
        id="year-select"
        label={t('ac.year')}
        value={year === null ? '' : String(year)}
        onInput={(v) => onChange(Number(v))}
        options={years.map((y) => [String(y.year), yearName(y.year) + (y.status === 'closed' ? ' — ' + t('ac.closed') : '')] as [string, string])}
      />
    </div>
  );
}

/** Loads what a page shows for the chosen year; again when the year changes. */
function useForYear<T>(year: number | null, fetch: (y: number) => Promise<T>) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const load = () => {
    if (year === null) return;
    setLoading(true);
    setError(null);
    return latest(
      fetch(year),
      (d) => {
        setData(d);
        setLoading(false);
      },
      (e) => {
        setError(e);
        setData(null);
        setLoading(false);
      },
    );
  };
  useEffect(load, [year]);
  return { data, setData, error, loading, reload: load };
}

function Status({ loading, text }: { loading: boolean; text: string }) {
  const { t } = useI18n();
  return (
    <p class="status-line" role="status" data-testid="academic-status">
      {loading ? t('app.loading') : text}
    </p>
  );
}

// A page's year: the years' error, none yet, the picker (unless `picker` is
// false) and the year's caption for print.
function YearChoice({ y, picker = true }: { y: ReturnType<typeof useYear>; picker?: boolean }) {
  return (
    <>
      {y.error ? <ErrorBox error={y.error} onRetry={y.reload} testId="academic-error" /> : null}
      {y.years && y.years.length === 0 ? <NoYears /> : null}
      {y.years && y.years.length > 0 && picker ? <YearPicker years={y.years} year={y.year} onChange={y.setYear} /> : null}
      {y.year !== null ? <p class="print-only print-caption">{yearName(y.year)}</p> : null}
    </>
  );
}

// An editor's line: the button that removes it, named after the line.
function RemoveLine({ name, onClick }: { name: string | number; onClick: () => void }) {
  const { t } = useI18n();
  return (
    <div class="field line-remove">
      <button type="button" class="btn btn-secondary" onClick={onClick} aria-label={`${t('ac.remove')}: ${name}`}>
        {t('ac.remove')}
      </button>
    </div>
  );
}

// The button under an editor's lines that adds one.
function AddLine({ text, onClick, testId }: { text: string; onClick: () => void; testId: string }) {
  return (
    <p>
      <button type="button" class="btn btn-secondary" onClick={onClick} data-testid={testId}>
        {text}
      </button>
    </p>
  );
}

// An editor's save and cancel (test ids `<prefix>-save`, `<prefix>-cancel`).
function SaveCancel({ saving, onCancel, prefix }: { saving: boolean; onCancel: () => void; prefix: string }) {
  const { t } = useI18n();
  return (
    <div class="filter-actions">
      <button type="submit" class="btn btn-primary" disabled={saving} data-testid={`${prefix}-save`}>
        {saving ? t('mv.saving') : t('card.save')}
      </button>
      <button type="button" class="btn btn-secondary" onClick={onCancel} disabled={saving} data-testid={`${prefix}-cancel`}>
        {t('card.cancel')}
      </button>
    </div>
  );
}

function NoYears() {
  const { t } = useI18n();
  return (
    <div class="card empty" data-testid="no-years">
      {t('ac.noYears')}
    </div>
  );
}

// ---------------------------------------------------------------- sub-navigation

const TABS: [string, MessageKey, string][] = [
  ['/academic', 'ac.tab.check', 'check'],
  ['/academic/load', 'ac.tab.load', 'load'],
  ['/academic/curriculum', 'ac.tab.curriculum', 'curriculum'],
];

function AcademicTabs() {
  const { t } = useI18n();
  const path = usePath();
  return (
    <nav class="tabs no-print" aria-label={t('ac.tabs')}>
      {TABS.map(([href, label, id]) => (
        <a
          key={href}
          class="tab"
          href={href}
          aria-current={path === href ? 'page' : undefined}
          onClick={(e) => linkClick(e, href)}
          data-testid={'ac-tab-' + id}
        >
          {t(label)}
        </a>
      ))}
    </nav>
  );
}

export function AcademicPage({ permissions }: { permissions: string[] }) {
  const path = usePath();
  if (path === '/academic/load') return <LoadPage own={false} />;
  if (path === '/academic/curriculum') return <CurriculumPage editor={permissions.includes('edit_academic')} />;
  if (path === '/academic') return <PlanCheckPage />;
  return <NotFoundPage />;
}

// ---------------------------------------------------------------- the plan check

function PlanCheckPage() {
  const { lang, t } = useI18n();
  const y = useYear();
  const { data, error, loading, reload } = useForYear<PlanIssue[]>(y.year, checkPlan);
  return (
    <>
      <div class="title-row">
        <PageTitle text={t('ac.check.title')} />
        <PrintButton />
      </div>
      <AcademicTabs />
      <YearChoice y={y} />
      <div aria-busy={loading}>
        {error ? <ErrorBox error={error} onRetry={reload} testId="academic-error" /> : null}
        {data && data.length === 0 ? (
          <div class="card empty" data-testid="plan-clean">
            {t('ac.check.clean')}
          </div>
        ) : null}
        {data && data.length > 0 ? (
          <table class="table stack" data-testid="plan-issues">
            <caption class="sr-only">{t('ac.check.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('ac.col.class')}</th>
                <th scope="col">{t('ac.col.subject')}</th>
                <th scope="col">{t('ac.col.plan')}</th>
                <th scope="col">{t('ac.col.assigned')}</th>
                <th scope="col">{t('ac.col.issue')}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((i) => (
                <tr key={`${i.classId}-${i.groupId ?? 0}-${i.subjectCode}`} data-testid="plan-issue">
                  <td data-label={t('ac.col.class')}>
                    {i.className}
                    {i.groupName ? ` · ${i.groupName}` : ''}
                  </td>
                  <td data-label={t('ac.col.subject')}>{subjectName(lang, i.subjectCode)}</td>
                  <td data-label={t('ac.col.plan')} class="num">{hoursText(lang, i.planHours)}</td>
                  <td data-label={t('ac.col.assigned')} class="num">{hoursText(lang, i.assignedHours)}</td>
                  <td data-label={t('ac.col.issue')}>
                    <span class={i.kind === 'shortfall' ? 'badge badge-warn' : 'badge'} data-testid="plan-issue-kind">
                      {i.kind === 'shortfall'
                        ? t('ac.check.shortfall').replace('{h}', hoursText(lang, i.planHours - i.assignedHours))
                        : t('ac.check.excess').replace('{h}', hoursText(lang, i.assignedHours - i.planHours))}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <Status loading={loading} text={data ? `${t('ac.check.count')}: ${data.length}` : ''} />
      </div>
    </>
  );
}

// ---------------------------------------------------------------- teachers' load

export function LoadPage({ own }: { own: boolean }) {
  const { lang, t } = useI18n();
  const y = useYear();
  const { data, error, loading, reload } = useForYear<TeacherLoad[]>(y.year, getLoad);
  const total = data ? data.reduce((s, x) => s + x.hours, 0) : 0;
  return (
    <>
      <div class="title-row">
        <PageTitle text={t(own ? 'nav.myLoad' : 'ac.load.title')} />
        <PrintButton />
      </div>
      {own ? null : <AcademicTabs />}
      <YearChoice y={y} />
      <div aria-busy={loading}>
        {error ? <ErrorBox error={error} onRetry={reload} testId="academic-error" /> : null}
        {data && data.length === 0 ? (
          <div class="card empty" data-testid="load-empty">
            {t(own ? 'ac.load.noneOwn' : 'ac.load.none')}
          </div>
        ) : null}
        {data?.map((teacher) => (
          <section class="card load-card" key={teacher.staffId} aria-labelledby={'load-' + teacher.staffId} data-testid="load-teacher">
            <h2 class="card-title" id={'load-' + teacher.staffId}>
              <span data-testid="load-name">{teacher.name}</span>
              {' — '}
              <span data-testid="load-hours">{hoursText(lang, teacher.hours)}</span> {t('ac.hoursWeek')}
            </h2>
            <table class="table stack">
              <thead>
                <tr>
                  <th scope="col">{t('ac.col.class')}</th>
                  <th scope="col">{t('ac.col.subject')}</th>
                  <th scope="col">{t('ac.col.hours')}</th>
                </tr>
              </thead>
              <tbody>
                {teacher.lines.map((l) => (
                  <tr key={l.id} data-testid="load-line">
                    <td data-label={t('ac.col.class')}>
                      {l.className}
                      {l.groupName ? ` · ${l.groupName}` : ''}
                    </td>
                    <td data-label={t('ac.col.subject')}>{subjectName(lang, l.subjectCode)}</td>
                    <td data-label={t('ac.col.hours')} class="num">{hoursText(lang, l.hours)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
        <Status
          loading={loading}
          text={data && !own ? `${t('ac.load.count')}: ${data.length}; ${t('ac.load.total')}: ${hoursText(lang, total)}` : ''}
        />
      </div>
    </>
  );
}

// ---------------------------------------------------------------- field errors

/** "lines[2].hours: …" → the id of that input (prefix-lines-2-hours) and a translated text. */
// A refused save: the field the server names, when the form shows it, gets
// the message and the focus; anything else is the form's alert.
function showRefusal(
  lang: Lang,
  t: (k: MessageKey) => string,
  err: unknown,
  prefix: string,
  setErrors: (e: Record<string, string>) => void,
  setFormError: (m: string) => void,
) {
  const p = pathProblem(t, err, prefix);
  if (p?.id && document.getElementById(p.id)) {
    setErrors({ [p.id]: p.text });
    setFormError(t('card.fixErrors'));
    const id = p.id;
    setTimeout(() => document.getElementById(id)?.focus(), 0);
  } else setFormError(p?.text ?? errorMessage(lang, err));
}

export function pathProblem(t: (k: MessageKey) => string, err: unknown, prefix: string): { id?: string; text: string } | null {
  if (!(err instanceof ApiError) || (err.code !== 'invalid_argument' && err.status !== 400)) return null;
  const m = /^([A-Za-z]\w*)(?:\[(\d+)\])?(?:\.(\w+))?:\s*(.*)$/.exec(err.message);
  if (!m) return null;
  const [, field, index, sub, detail = ''] = m;
  const id = [prefix, field, index, sub].filter((x) => x !== undefined).join('-');
  let key: MessageKey = 'fe.invalid';
  if (/outside the school year/.test(detail)) key = 'ac.e.outside';
  else if (/overlaps|precedes/.test(detail)) key = 'ac.e.overlap';
  else if (/before startsOn/.test(detail)) key = 'ac.e.endBefore';
  else if (/weekly hours/.test(detail)) key = 'ac.e.hours';
  else if (/no such subject/.test(detail)) key = 'ac.e.subject';
  else if (/scheme, which needs/.test(detail)) key = 'ac.e.schemeNeeds';
  else if (/given twice/.test(detail)) key = 'ac.e.twice';
  else if (/date/.test(detail)) key = 'fe.date';
  else if (/required/.test(detail)) key = 'fe.required';
  else if (/period/.test(detail)) key = 'ac.e.period';
  return { id, text: t(key) };
}

// ---------------------------------------------------------------- the curriculum

function CurriculumPage({ editor }: { editor: boolean }) {
  const { lang, t } = useI18n();
  const y = useYear();
  const [grade, setGrade] = useState('5');
  const [profile, setProfile] = useState('');
  const [lines, setLines] = useState<PlanLine[] | null>(null);
  const [draft, setDraft] = useState<{ subjectCode: string; period: string; hours: string }[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const closed = y.years?.find((x) => x.year === y.year)?.status === 'closed';

  const load = () => {
    if (y.year === null) return;
    setError(null);
    setLines(null);
    setDraft(null);
    getCurriculum(y.year, Number(grade), profile.trim()).then(setLines, setError);
  };
  useEffect(load, [y.year, grade]);

  const edit = () => {
    setSaved(false);
    setErrors({});
    setFormError(null);
    setDraft((lines ?? []).map((l) => ({ subjectCode: l.subjectCode, period: String(l.period), hours: hoursText('en', l.hours) })));
  };
  const setLine = (i: number, k: 'subjectCode' | 'period' | 'hours') => (v: string) =>
    setDraft((d) => (d ? d.map((l, j) => (j === i ? { ...l, [k]: v } : l)) : d));

  const save = async (e: Event) => {
    e.preventDefault();
    if (!draft || y.year === null || saving) return;
    setErrors({});
    setFormError(null);
    const out: PlanLine[] = draft.map((l) => ({
      subjectCode: l.subjectCode,
      period: Number(l.period) || 0,
      hours: Number(l.hours.replace(',', '.')),
    }));
    const bad = out.findIndex((l) => !Number.isFinite(l.hours) || l.hours <= 0);
    if (bad >= 0) {
      setErrors({ [`cur-lines-${bad}-hours`]: t('ac.e.hours') });
      setFormError(t('card.fixErrors'));
      document.getElementById(`cur-lines-${bad}-hours`)?.focus();
      return;
    }
    setSaving(true);
    try {
      setLines(await putCurriculum(y.year, Number(grade), profile.trim(), out));
      setDraft(null);
      setSaved(true);
    } catch (err) {
      showRefusal(lang, t, err, 'cur', setErrors, setFormError);
    } finally {
      setSaving(false);
    }
  };

  const gradeOptions = Array.from({ length: 11 }, (_, i) => [String(i + 1), String(i + 1)] as [string, string]);
  return (
    <>
      <div class="title-row">
        <PageTitle text={t('ac.cur.title')} />
        <PrintButton />
      </div>
      <AcademicTabs />
      {y.error ? <ErrorBox error={y.error} onRetry={y.reload} testId="academic-error" /> : null}
      {y.years && y.years.length === 0 ? <NoYears /> : null}
      {y.years && y.years.length > 0 ? (
        <form
          class="card filters no-print"
          onSubmit={(e) => {
            e.preventDefault();
            load();
          }}
          aria-label={t('ac.cur.which')}
        >
          <div class="form-grid">
            <Field
              id="year-select"
              label={t('ac.year')}
              value={y.year === null ? '' : String(y.year)}
              onInput={(v) => y.setYear(Number(v))}
              options={y.years.map((x) => [String(x.year), yearName(x.year)] as [string, string])}
            />
            <Field id="cur-grade" label={t('ac.grade')} value={grade} onInput={setGrade} options={gradeOptions} />
            <Field id="cur-profile" label={t('ac.profile')} hint={t('ac.profileHint')} value={profile} onInput={setProfile} maxLength={64} />
          </div>
          <div class="filter-actions">
            <button type="submit" class="btn btn-secondary" data-testid="cur-show">
              {t('ac.cur.show')}
            </button>
          </div>
        </form>
      ) : null}
      {y.year !== null ? (
        <p class="print-only print-caption">
          {yearName(y.year)} · {t('ac.grade')} {grade}
          {profile.trim() ? ` · ${profile.trim()}` : ''}
        </p>
      ) : null}
      {error ? <ErrorBox error={error} onRetry={load} testId="academic-error" /> : null}
      {saved ? (
        <p class="alert alert-ok no-print" role="status" data-testid="cur-saved">
          {t('ac.saved')}
        </p>
      ) : null}
      {lines && !draft ? (
        <>
          {lines.length === 0 ? (
            <div class="card empty" data-testid="cur-empty">
              {t('ac.cur.none')}
            </div>
          ) : (
            <table class="table stack" data-testid="cur-table">
              <thead>
                <tr>
                  <th scope="col">{t('ac.col.subject')}</th>
                  <th scope="col">{t('ac.col.period')}</th>
                  <th scope="col">{t('ac.col.hours')}</th>
                </tr>
              </thead>
              <tbody>
                {lines.map((l) => (
                  <tr key={l.subjectCode + l.period} data-testid="cur-line">
                    <td data-label={t('ac.col.subject')}>{subjectName(lang, l.subjectCode)}</td>
                    <td data-label={t('ac.col.period')}>{l.period === 0 ? t('ac.cur.every') : l.period}</td>
                    <td data-label={t('ac.col.hours')} class="num">{hoursText(lang, l.hours)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {editor && !closed ? (
            <p class="no-print">
              <button type="button" class="btn btn-secondary" onClick={edit} data-testid="cur-edit">
                {t('ac.edit')}
              </button>
            </p>
          ) : null}
        </>
      ) : null}
      {draft ? (
        <form class="edit-form no-print" onSubmit={save} noValidate aria-busy={saving} aria-labelledby="cur-form-title" data-testid="cur-form">
          <fieldset class="card block">
            <legend id="cur-form-title" class="card-title">
              {t('ac.cur.editTitle')}
            </legend>
            {formError ? <FormAlert testId="cur-form-error">{formError}</FormAlert> : null}
            {draft.map((l, i) => (
              <div class="form-grid line-row" key={i} role="group" aria-label={`${t('ac.cur.line')} ${i + 1}`}>
                <Field
                  id={`cur-lines-${i}-subjectCode`}
                  label={t('ac.col.subject')}
                  value={l.subjectCode}
                  onInput={setLine(i, 'subjectCode')}
                  error={errors[`cur-lines-${i}-subjectCode`]}
                  options={[['', t('ac.cur.choose')] as [string, string]].concat(
                    (SUBJECT_CODES.includes(l.subjectCode) || !l.subjectCode ? SUBJECT_CODES : [l.subjectCode, ...SUBJECT_CODES]).map(
                      (c) => [c, subjectName(lang, c)] as [string, string],
                    ),
                  )}
                />
                <Field
                  id={`cur-lines-${i}-period`}
                  label={t('ac.col.period')}
                  value={l.period}
                  onInput={setLine(i, 'period')}
                  error={errors[`cur-lines-${i}-period`]}
                  options={[['0', t('ac.cur.every')] as [string, string]].concat(
                    [1, 2, 3, 4].map((n) => [String(n), String(n)] as [string, string]),
                  )}
                />
                <Field
                  id={`cur-lines-${i}-hours`}
                  label={t('ac.col.hours')}
                  value={l.hours}
                  onInput={setLine(i, 'hours')}
                  error={errors[`cur-lines-${i}-hours`]}
                  maxLength={5}
                />
                <RemoveLine
                  name={subjectName(lang, l.subjectCode) || i + 1}
                  onClick={() => setDraft((d) => (d ? d.filter((_, j) => j !== i) : d))}
                />
              </div>
            ))}
            <AddLine
              text={t('ac.cur.add')}
              onClick={() => setDraft((d) => [...(d ?? []), { subjectCode: '', period: '0', hours: '' }])}
              testId="cur-add"
            />
            <SaveCancel saving={saving} onCancel={() => setDraft(null)} prefix="cur" />
          </fieldset>
        </form>
      ) : null}
    </>
  );
}

// ---------------------------------------------------------------- classes

export function ClassesPage() {
  const { t } = useI18n();
  const y = useYear();
  const { data, error, loading, reload } = useForYear<ClassRow[]>(y.year, getClasses);
  const students = data ? data.reduce((s, c) => s + c.students, 0) : 0;
  return (
    <>
      <div class="title-row">
        <PageTitle text={t('nav.classes')} />
        <PrintButton />
      </div>
      <YearChoice y={y} />
      <div aria-busy={loading}>
        {error ? <ErrorBox error={error} onRetry={reload} testId="academic-error" /> : null}
        {data && data.length === 0 ? (
          <div class="card empty" data-testid="classes-empty">
            {t('ac.classes.none')}
          </div>
        ) : null}
        {data && data.length > 0 ? (
          <table class="table stack" data-testid="classes-table">
            <thead>
              <tr>
                <th scope="col">{t('ac.col.class')}</th>
                <th scope="col">{t('ac.col.teacher')}</th>
                <th scope="col">{t('ac.col.students')}</th>
                <th scope="col">{t('ac.col.shift')}</th>
                <th scope="col">{t('ac.profile')}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((c) => (
                <tr key={c.id} data-testid="class-row">
                  <th scope="row" data-label={t('ac.col.class')}>{c.name}</th>
                  <td data-label={t('ac.col.teacher')}>{c.classTeacherName || '—'}</td>
                  <td data-label={t('ac.col.students')} class="num">
                    {c.students}
                    {c.capacity ? ` / ${c.capacity}` : ''}
                  </td>
                  <td data-label={t('ac.col.shift')}>{c.shift || '—'}</td>
                  <td data-label={t('ac.profile')}>{c.profile || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <Status loading={loading} text={data ? `${t('ac.classes.count')}: ${data.length}; ${t('ac.col.students')}: ${students}` : ''} />
      </div>
    </>
  );
}

// ---------------------------------------------------------------- the calendar

const SCHEMES: PeriodScheme[] = ['quarter', 'trimester', 'half_year', 'semester'];

type Draft = SchoolCalendar;

// A period's or a holiday's dates, from and to (ids `cal-<list>-<i>-startsOn`, `-endsOn`).
function DateRangeFields({
  list,
  i,
  line,
  errors,
  change,
}: {
  list: 'periods' | 'holidays';
  i: number;
  line: { startsOn: string; endsOn: string };
  errors: Record<string, string>;
  change: (fn: (d: Draft) => void) => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <Field
        id={`cal-${list}-${i}-startsOn`}
        label={t('ac.cal.from')}
        type="date"
        value={line.startsOn}
        onInput={(v) => change((d) => void ((d[list][i] as { startsOn: string }).startsOn = v))}
        error={errors[`cal-${list}-${i}-startsOn`]}
      />
      <Field
        id={`cal-${list}-${i}-endsOn`}
        label={t('ac.cal.to')}
        type="date"
        value={line.endsOn}
        onInput={(v) => change((d) => void ((d[list][i] as { endsOn: string }).endsOn = v))}
        error={errors[`cal-${list}-${i}-endsOn`]}
      />
    </>
  );
}

export function CalendarPage({ editor }: { editor: boolean }) {
  const { lang, t } = useI18n();
  const y = useYear();
  const { data, setData, error, loading, reload } = useForYear<SchoolCalendar>(y.year, getCalendar);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const closed = y.years?.find((x) => x.year === y.year)?.status === 'closed';

  useEffect(() => {
    setDraft(null);
    setSaved(false);
  }, [y.year]);

  const edit = () => {
    if (!data) return;
    setSaved(false);
    setErrors({});
    setFormError(null);
    setDraft(JSON.parse(JSON.stringify(data)) as Draft);
  };
  const change = (fn: (d: Draft) => void) =>
    setDraft((d) => {
      if (!d) return d;
      const copy = JSON.parse(JSON.stringify(d)) as Draft;
      fn(copy);
      return copy;
    });

  const save = async (e: Event) => {
    e.preventDefault();
    if (!draft || saving) return;
    setErrors({});
    setFormError(null);
    setSaving(true);
    try {
      const c = await putCalendar(draft);
      setData(c);
      setDraft(null);
      setSaved(true);
    } catch (err) {
      showRefusal(lang, t, err, 'cal', setErrors, setFormError);
    } finally {
      setSaving(false);
    }
  };

  const schemeLabel = (s: string) => t(('ac.scheme.' + s) as MessageKey);
  const shown = draft ?? data;
  const usedSchemes = shown ? SCHEMES.filter((s) => shown.periods.some((p) => p.scheme === s) || shown.schemes.some((g) => g.scheme === s)) : [];
  return (
    <>
      <div class="title-row">
        <PageTitle text={t('nav.calendar')} />
        <PrintButton />
      </div>
      <YearChoice y={y} picker={!draft} />
      {error ? <ErrorBox error={error} onRetry={reload} testId="academic-error" /> : null}
      {saved ? (
        <p class="alert alert-ok no-print" role="status" data-testid="cal-saved">
          {t('ac.saved')}
        </p>
      ) : null}
      {loading ? <Status loading text="" /> : null}
      {data && !draft ? (
        <div aria-busy={loading}>
          <section class="card block" aria-labelledby="cal-periods-title">
            <h2 id="cal-periods-title" class="card-title">{t('ac.cal.periods')}</h2>
            {usedSchemes.map((s) => {
              const grades = data.schemes.filter((g) => g.scheme === s).map((g) => g.grade);
              return (
                <div key={s} data-testid={'cal-scheme-' + s}>
                  <h3 class="sub-title">
                    {schemeLabel(s)}
                    {grades.length ? ` — ${t('ac.cal.grades')} ${grades.join(', ')}` : ''}
                  </h3>
                  <ul class="plain-list">
                    {data.periods
                      .filter((p) => p.scheme === s)
                      .map((p) => (
                        <li key={p.number} data-testid="cal-period">
                          {p.number}: {formatDate(lang, p.startsOn)} – {formatDate(lang, p.endsOn)}
                        </li>
                      ))}
                  </ul>
                </div>
              );
            })}
            {usedSchemes.length === 0 ? <p>{t('ac.cal.noPeriods')}</p> : null}
          </section>
          <section class="card block" aria-labelledby="cal-holidays-title">
            <h2 id="cal-holidays-title" class="card-title">{t('ac.cal.holidays')}</h2>
            {data.holidays.length === 0 ? <p>{t('ac.cal.noHolidays')}</p> : null}
            <ul class="plain-list">
              {data.holidays.map((h, i) => (
                <li key={i} data-testid="cal-holiday">
                  {h.name}: {formatDate(lang, h.startsOn)} – {formatDate(lang, h.endsOn)}
                  {h.gradeFrom
                    ? h.gradeFrom === h.gradeTo
                      ? ` (${t('ac.cal.grade')} ${h.gradeFrom})`
                      : ` (${t('ac.cal.grades')} ${h.gradeFrom}–${h.gradeTo})`
                    : ''}
                </li>
              ))}
            </ul>
          </section>
          {editor && !closed ? (
            <p class="no-print">
              <button type="button" class="btn btn-secondary" onClick={edit} data-testid="cal-edit">
                {t('ac.edit')}
              </button>
            </p>
          ) : null}
        </div>
      ) : null}
      {draft ? (
        <form class="edit-form no-print" onSubmit={save} noValidate aria-busy={saving} aria-labelledby="cal-form-title" data-testid="cal-form">
          <fieldset class="card block">
            <legend id="cal-form-title" class="card-title">
              {t('ac.cal.editTitle')} {yearName(draft.year)}
            </legend>
            {formError ? <FormAlert testId="cal-form-error">{formError}</FormAlert> : null}
            <h3 class="sub-title">{t('ac.cal.schemes')}</h3>
            <div class="form-grid">
              {draft.schemes.map((g, i) => (
                <Field
                  key={g.grade}
                  id={`cal-schemes-${i}-scheme`}
                  label={`${t('ac.grade')} ${g.grade}`}
                  value={g.scheme}
                  onInput={(v) => change((d) => void ((d.schemes[i] as { scheme: string }).scheme = v))}
                  error={errors[`cal-schemes-${i}-scheme`]}
                  options={SCHEMES.map((s) => [s, schemeLabel(s)] as [string, string])}
                />
              ))}
            </div>
            <h3 class="sub-title">{t('ac.cal.periods')}</h3>
            {draft.periods.map((p, i) => (
              <div class="form-grid line-row" key={i} role="group" aria-label={`${schemeLabel(p.scheme)}, ${p.number}`}>
                <Field
                  id={`cal-periods-${i}-scheme`}
                  label={t('ac.cal.scheme')}
                  value={p.scheme}
                  onInput={(v) => change((d) => void ((d.periods[i] as { scheme: string }).scheme = v))}
                  error={errors[`cal-periods-${i}-scheme`]}
                  options={SCHEMES.map((s) => [s, schemeLabel(s)] as [string, string])}
                />
                <Field
                  id={`cal-periods-${i}-number`}
                  label={t('ac.cal.number')}
                  value={String(p.number)}
                  onInput={(v) => change((d) => void ((d.periods[i] as { number: number }).number = Number(v)))}
                  error={errors[`cal-periods-${i}-number`]}
                  options={[1, 2, 3, 4].map((n) => [String(n), String(n)] as [string, string])}
                />
                <DateRangeFields list="periods" i={i} line={p} errors={errors} change={change} />
              </div>
            ))}
            <h3 class="sub-title">{t('ac.cal.holidays')}</h3>
            {draft.holidays.map((h, i) => (
              <div class="form-grid line-row" key={i} role="group" aria-label={h.name || `${t('ac.cal.holiday')} ${i + 1}`}>
                <Field
                  id={`cal-holidays-${i}-name`}
                  label={t('ac.cal.holidayName')}
                  value={h.name}
                  maxLength={100}
                  onInput={(v) => change((d) => void ((d.holidays[i] as { name: string }).name = v))}
                  error={errors[`cal-holidays-${i}-name`]}
                />
                <DateRangeFields list="holidays" i={i} line={h} errors={errors} change={change} />
                <RemoveLine name={h.name || i + 1} onClick={() => change((d) => void d.holidays.splice(i, 1))} />
              </div>
            ))}
            <AddLine
              text={t('ac.cal.addHoliday')}
              onClick={() => change((d) => void d.holidays.push({ name: '', startsOn: '', endsOn: '', gradeFrom: null, gradeTo: null }))}
              testId="cal-add-holiday"
            />
            <SaveCancel saving={saving} onCancel={() => setDraft(null)} prefix="cal" />
          </fieldset>
        </form>
      ) : null}
    </>
  );
}
