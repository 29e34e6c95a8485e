// Year closing (/year-closing): the coordinator's wizard — the order, who
// stays back and which 9th graders continue to the 10th, the preview of the
// plan, then the apply after a confirmation; the secretary and the principal
// may preview. A closed year shows how it was closed, read-only and printable
// (the lists of graduates and promotions are what a school prints).
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  ApiError, applyClosing, getClosingRecord, previewClosing, searchPeople,
  type ClosingPlan, type ClosingRecord, type ClosingRequest, type PersonSummary, type StudentRef,
} from './api';
import { latest } from './load';
import { YearPicker, useYear, yearName } from './academic';
import { errorMessage } from './errors';
import { formatDate } from './fields';
import { Field, FormAlert, today } from './forms';
import { useI18n, type Lang, type MessageKey } from './i18n';
import { PageTitle } from './pages';
import { ErrorBox, PrintButton, fullName } from './registry';

interface Continuing {
  student: PersonSummary;
  toClass: string;
}

type Errors = Record<string, string>;

/** A refusal → the id of the input it belongs to and a translated text. */
function closingProblem(lang: Lang, t: (k: MessageKey) => string, err: unknown): { id?: string; text: string } {
  const message = err instanceof Error ? err.message : '';
  if (err instanceof ApiError && err.status === 409) return { text: t('yc.e.changed') };
  if (/^order\.number:/.test(message)) return { id: 'close-orderNumber', text: t('fe.required') };
  if (/^order\.date: required/.test(message)) return { id: 'close-orderDate', text: t('fe.required') };
  if (/^order\.date:/.test(message)) return { id: 'close-orderDate', text: t('yc.e.orderDate') };
  let m = /^staysBack\[(\d+)\]:.*(listed twice|not in a class)/.exec(message);
  if (m) return { id: 'stay-' + m[1], text: t(m[2] === 'listed twice' ? 'yc.e.twice' : 'yc.e.notInClass') };
  m = /^continuing\[(\d+)\]\.toClass:/.exec(message);
  if (m) return { id: 'cont-' + m[1] + '-toClass', text: t('yc.e.noClass') };
  m = /^continuing\[(\d+)\]\.student:.*(another decision|only students|not in a class)/.exec(message);
  if (m)
    return {
      id: 'cont-' + m[1],
      text: t(m[2] === 'another decision' ? 'yc.e.twice' : m[2] === 'only students' ? 'yc.e.notNinth' : 'yc.e.notInClass'),
    };
  if (/closed already/.test(message)) return { text: t('yc.e.closed') };
  if (/already has \d+ classes/.test(message)) return { text: t('yc.e.nextHasClasses') };
  return { text: errorMessage(lang, err) };
}

function studentName(s: StudentRef): string {
  return [s.surname, s.firstName, s.patronymic].filter(Boolean).join(' ');
}

function StudentList({ students, testId }: { students: StudentRef[]; testId: string }) {
  return (
    <ol class="name-list" data-testid={testId}>
      {students.map((s) => (
        <li key={s.id}>{studentName(s)}</li>
      ))}
    </ol>
  );
}

// ---------------------------------------------------------------- the page

export function YearClosingPage({ permissions }: { permissions: string[] }) {
  const { t } = useI18n();
  const y = useYear();
  const status = y.years?.find((x) => x.year === y.year)?.status;
  return (
    <>
      <div class="title-row">
        <PageTitle text={t('nav.yearClosing')} />
        <PrintButton />
      </div>
      {y.error ? <ErrorBox error={y.error} onRetry={y.reload} testId="yc-error" /> : null}
      {y.years && y.years.length === 0 ? (
        <div class="card empty" data-testid="no-years">
          {t('ac.noYears')}
        </div>
      ) : null}
      {y.years && y.years.length > 0 ? <YearPicker years={y.years} year={y.year} onChange={y.setYear} /> : null}
      {y.year !== null && status === 'closed' ? <ClosedYear key={y.year} year={y.year} /> : null}
      {y.year !== null && status === 'open' ? (
        <Wizard key={y.year} year={y.year} mayApply={permissions.includes('close_year')} onClosed={y.reload} />
      ) : null}
    </>
  );
}

// ---------------------------------------------------------------- a closed year

const OUTCOMES: ('graduated' | 'promoted' | 'kept_back')[] = ['graduated', 'promoted', 'kept_back'];

function ClosedYear({ year }: { year: number }) {
  const { lang, t } = useI18n();
  const [record, setRecord] = useState<ClosingRecord | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => {
    setError(null);
    getClosingRecord(year).then(setRecord, setError);
  };
  useEffect(load, [year]);
  if (error) return <ErrorBox error={error} onRetry={load} testId="yc-error" />;
  if (!record) return <p class="status-line" role="status">{t('app.loading')}</p>;
  return (
    <div data-testid="yc-record">
      <section class="card block" aria-labelledby="yc-record-title">
        <h2 id="yc-record-title" class="card-title">
          {t('yc.record.title').replace('{year}', yearName(record.year))}
        </h2>
        <dl class="facts">
          <div class="fact">
            <dt>{t('yc.order')}</dt>
            <dd data-testid="yc-record-order">
              № {record.order.number} {t('mv.orderOf')} {formatDate(lang, record.order.date)}
            </dd>
          </div>
          <div class="fact">
            <dt>{t('yc.record.by')}</dt>
            <dd class="mono">{record.closedBy}</dd>
          </div>
          <div class="fact">
            <dt>{t('yc.record.at')}</dt>
            <dd>{formatDate(lang, record.closedAt.slice(0, 10))}</dd>
          </div>
          {OUTCOMES.map((o) => (
            <div class="fact" key={o}>
              <dt>{t(('yc.outcome.' + o) as MessageKey)}</dt>
              <dd data-testid={'yc-record-count-' + o}>{record.students.filter((s) => s.outcome === o).length}</dd>
            </div>
          ))}
        </dl>
      </section>
      {OUTCOMES.map((o) => {
        const rows = record.students.filter((s) => s.outcome === o);
        if (rows.length === 0) return null;
        return (
          <section key={o} class="print-section" aria-labelledby={'yc-record-' + o}>
            <h2 id={'yc-record-' + o} class="section-title">
              {t(('yc.outcome.' + o) as MessageKey)} ({rows.length})
            </h2>
            <table class="table stack" data-testid={'yc-record-' + o}>
              <thead>
                <tr>
                  <th scope="col">{t('yc.col.no')}</th>
                  <th scope="col">{t('mv.col.student')}</th>
                  <th scope="col">{t('mv.col.from')}</th>
                  <th scope="col">{t('mv.col.to')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((s, i) => (
                  <tr key={s.student.id} data-testid="yc-record-row">
                    <td data-label={t('yc.col.no')} class="num">{i + 1}</td>
                    <td data-label={t('mv.col.student')}>{studentName(s.student)}</td>
                    <td data-label={t('mv.col.from')}>{s.class}</td>
                    <td data-label={t('mv.col.to')}>{s.toClass ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
    </div>
  );
}

// ---------------------------------------------------------------- the wizard

function Wizard({ year, mayApply, onClosed }: { year: number; mayApply: boolean; onClosed: () => void }) {
  const { lang, t } = useI18n();
  const [orderNumber, setOrderNumber] = useState('');
  const [orderDate, setOrderDate] = useState(() => {
    const d = today();
    return d >= `${year}-09-01` && d <= `${year + 1}-08-31` ? d : `${year + 1}-05-31`;
  });
  const [stays, setStays] = useState<PersonSummary[]>([]);
  const [continuing, setContinuing] = useState<Continuing[]>([]);
  const [plan, setPlan] = useState<ClosingPlan | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<ClosingPlan | null>(null);

  // Any change of the decisions makes the preview stale: it must be seen again.
  const changed = () => {
    setPlan(null);
    setConfirming(false);
  };

  const body = (): ClosingRequest => ({
    order: { number: orderNumber.trim(), date: orderDate },
    staysBack: stays.map((s) => s.id),
    continuing: continuing.map((c) => (c.toClass.trim() ? { student: c.student.id, toClass: c.toClass.trim() } : { student: c.student.id })),
  });

  const fail = (err: unknown) => {
    const p = closingProblem(lang, t, err);
    if (p.id && document.getElementById(p.id)) {
      setErrors({ [p.id]: p.text });
      setFormError(t('card.fixErrors'));
      const id = p.id;
      setTimeout(() => document.getElementById(id)?.focus(), 0);
    } else {
      setFormError(p.text);
      setTimeout(() => document.getElementById('yc-form-error')?.focus(), 0);
    }
  };

  const preview = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setErrors({});
    setFormError(null);
    setConfirming(false);
    setBusy(true);
    try {
      setPlan(await previewClosing(year, body()));
      setTimeout(() => document.getElementById('yc-preview-title')?.focus(), 0);
    } catch (err) {
      setPlan(null);
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const apply = async () => {
    if (!plan || busy) return;
    setErrors({});
    setFormError(null);
    setBusy(true);
    try {
      const r = await applyClosing(year, { ...body(), fingerprint: plan.fingerprint });
      setDone(r);
      setTimeout(() => document.getElementById('yc-done')?.focus(), 0);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setPlan(null);
      setConfirming(false);
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  if (done)
    return (
      <div>
        <div class="alert alert-ok" role="status" tabIndex={-1} id="yc-done" data-testid="yc-done">
          {t('yc.done')
            .replace('{year}', yearName(year))
            .replace('{promoted}', String(done.totals.promoted))
            .replace('{graduates}', String(done.totals.graduates))
            .replace('{staysBack}', String(done.totals.staysBack))}
        </div>
        <p class="no-print">
          <button type="button" class="btn btn-secondary" onClick={onClosed} data-testid="yc-show-record">
            {t('yc.showRecord')}
          </button>
        </p>
        <PlanView plan={done} />
      </div>
    );

  const stayIds = new Set(stays.map((s) => s.id));
  const contIds = new Set(continuing.map((c) => c.student.id));
  return (
    <>
      <form class="no-print" onSubmit={preview} noValidate aria-busy={busy} data-testid="yc-form">
        {formError ? (
          <div tabIndex={-1} id="yc-form-error">
            <FormAlert testId="yc-form-error">{formError}</FormAlert>
          </div>
        ) : null}
        <fieldset class="card block">
          <legend class="card-title">{t('yc.step.order')}</legend>
          <p class="note">{t('yc.orderHint')}</p>
          <div class="form-grid">
            <Field
              id="close-orderNumber"
              label={t('mv.f.orderNumber')}
              required
              maxLength={64}
              value={orderNumber}
              onInput={(v) => {
                setOrderNumber(v);
                changed();
              }}
              error={errors['close-orderNumber']}
            />
            <Field
              id="close-orderDate"
              label={t('mv.f.orderDate')}
              type="date"
              required
              value={orderDate}
              onInput={(v) => {
                setOrderDate(v);
                changed();
              }}
              error={errors['close-orderDate']}
            />
          </div>
        </fieldset>
        <fieldset class="card block">
          <legend class="card-title">{t('yc.step.students')}</legend>
          <p class="note">{t('yc.studentsHint')}</p>
          <StudentSearch
            stayIds={stayIds}
            contIds={contIds}
            onStay={(s) => {
              setStays((l) => [...l, s]);
              changed();
            }}
            onContinue={(s) => {
              setContinuing((l) => [...l, { student: s, toClass: '' }]);
              changed();
            }}
          />
          <h3 class="sub-title" id="yc-stays-title">{t('yc.staysBack')} ({stays.length})</h3>
          {stays.length === 0 ? <p class="note">{t('yc.nobody')}</p> : null}
          <ul class="choice-list" aria-labelledby="yc-stays-title" data-testid="yc-stays">
            {stays.map((s, i) => (
              <li key={s.id} data-testid="yc-stay">
                <span>
                  {fullName(s)} <span class="muted">{s.className}</span>
                </span>
                <button
                  type="button"
                  id={'stay-' + i}
                  class="btn btn-secondary"
                  aria-label={`${t('ac.remove')}: ${fullName(s)}`}
                  aria-describedby={errors['stay-' + i] ? 'stay-' + i + '-error' : undefined}
                  onClick={() => {
                    setStays((l) => l.filter((x) => x.id !== s.id));
                    changed();
                  }}
                >
                  {t('ac.remove')}
                </button>
                {errors['stay-' + i] ? (
                  <p class="field-error" id={'stay-' + i + '-error'}>
                    {errors['stay-' + i]}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
          <h3 class="sub-title" id="yc-cont-title">{t('yc.continuing')} ({continuing.length})</h3>
          {continuing.length === 0 ? <p class="note">{t('yc.nobody')}</p> : null}
          <ul class="choice-list" aria-labelledby="yc-cont-title" data-testid="yc-continuing">
            {continuing.map((c, i) => (
              <li key={c.student.id} data-testid="yc-cont">
                <span id={'cont-' + i + '-name'}>
                  {fullName(c.student)} <span class="muted">{c.student.className}</span>
                </span>
                <Field
                  id={'cont-' + i + '-toClass'}
                  label={t('yc.toClass')}
                  hint={t('yc.toClassHint').replace('{class}', '10' + c.student.className.replace(/^\d+/, ''))}
                  maxLength={8}
                  value={c.toClass}
                  onInput={(v) => {
                    setContinuing((l) => l.map((x, j) => (j === i ? { ...x, toClass: v } : x)));
                    changed();
                  }}
                  error={errors['cont-' + i + '-toClass']}
                />
                <button
                  type="button"
                  id={'cont-' + i}
                  class="btn btn-secondary"
                  aria-label={`${t('ac.remove')}: ${fullName(c.student)}`}
                  onClick={() => {
                    setContinuing((l) => l.filter((x) => x.student.id !== c.student.id));
                    changed();
                  }}
                >
                  {t('ac.remove')}
                </button>
                {errors['cont-' + i] ? <p class="field-error">{errors['cont-' + i]}</p> : null}
              </li>
            ))}
          </ul>
        </fieldset>
        <div class="filter-actions">
          <button type="submit" class="btn btn-primary" disabled={busy} data-testid="yc-preview">
            {busy && !confirming ? t('app.loading') : plan ? t('yc.previewAgain') : t('yc.preview')}
          </button>
        </div>
      </form>
      {plan ? (
        <div data-testid="yc-plan">
          <h2 id="yc-preview-title" class="section-title" tabIndex={-1}>
            {t('yc.step.preview').replace('{year}', yearName(plan.year)).replace('{next}', yearName(plan.nextYear))}
          </h2>
          <p class="print-only print-caption">
            {t('yc.order')}: № {plan.order.number} {t('mv.orderOf')} {formatDate(lang, plan.order.date)}
          </p>
          <PlanView plan={plan} />
          {mayApply ? (
            <section class="card block no-print danger-zone" aria-labelledby="yc-apply-title">
              <h2 id="yc-apply-title" class="card-title">{t('yc.step.apply')}</h2>
              {!confirming ? (
                <button type="button" class="btn btn-primary" onClick={() => setConfirming(true)} data-testid="yc-apply">
                  {t('yc.apply').replace('{year}', yearName(year))}
                </button>
              ) : (
                <div role="alertdialog" aria-labelledby="yc-confirm-text" data-testid="yc-confirm">
                  <p id="yc-confirm-text" class="alert alert-error">
                    {t('yc.confirm')
                      .replace('{year}', yearName(year))
                      .replace('{promoted}', String(plan.totals.promoted))
                      .replace('{graduates}', String(plan.totals.graduates))
                      .replace('{staysBack}', String(plan.totals.staysBack))}
                  </p>
                  <div class="filter-actions">
                    <ConfirmButton busy={busy} onClick={apply} label={t('yc.confirmYes')} />
                    <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => setConfirming(false)} data-testid="yc-confirm-no">
                      {t('card.cancel')}
                    </button>
                  </div>
                </div>
              )}
            </section>
          ) : (
            <p class="note no-print" data-testid="yc-preview-only">
              {t('yc.previewOnly')}
            </p>
          )}
        </div>
      ) : null}
    </>
  );
}

function ConfirmButton({ busy, onClick, label }: { busy: boolean; onClick: () => void; label: string }) {
  const { t } = useI18n();
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <button ref={ref} type="button" class="btn btn-danger" disabled={busy} onClick={onClick} data-testid="yc-confirm-yes">
      {busy ? t('mv.saving') : label}
    </button>
  );
}

// ---------------------------------------------------------------- choosing students

function StudentSearch({
  stayIds, contIds, onStay, onContinue,
}: {
  stayIds: Set<number>;
  contIds: Set<number>;
  onStay: (s: PersonSummary) => void;
  onContinue: (s: PersonSummary) => void;
}) {
  const { lang, t } = useI18n();
  const [q, setQ] = useState('');
  const [rows, setRows] = useState<PersonSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const text = q.trim();
    if (!text) {
      setRows(null);
      return;
    }
    let cancel = () => {};
    const timer = setTimeout(() => {
      cancel = latest(
        searchPeople('student', text, 20, 0),
        (r) => {
          setRows(r);
          setError(null);
        },
        setError,
      );
    }, 250);
    return () => {
      clearTimeout(timer);
      cancel();
    };
  }, [q]);
  return (
    <div class="student-search">
      <div class="search">
        <label for="yc-search">{t('yc.search')}</label>
        <input
          id="yc-search"
          type="search"
          autocomplete="off"
          spellcheck={false}
          placeholder={t('reg.searchHint')}
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
          aria-describedby="yc-search-status"
          data-testid="yc-search"
        />
      </div>
      {error ? <p class="field-error">{errorMessage(lang, error)}</p> : null}
      <p id="yc-search-status" class="status-line" role="status">
        {rows ? `${t('reg.shown')}: ${rows.length}` : ''}
      </p>
      {rows && rows.length > 0 ? (
        <ul class="choice-list" data-testid="yc-results">
          {rows.map((s) => {
            const chosen = stayIds.has(s.id) || contIds.has(s.id);
            return (
              <li key={s.id} data-testid={'yc-result-' + s.id}>
                <span>
                  {fullName(s)} <span class="muted">{s.className || '—'}</span>
                </span>
                <span class="row-actions">
                  <button
                    type="button"
                    class="btn btn-secondary"
                    disabled={chosen || !s.className}
                    onClick={() => onStay(s)}
                    aria-label={`${t('yc.stay')}: ${fullName(s)}`}
                    data-testid={'yc-stay-' + s.id}
                  >
                    {t('yc.stay')}
                  </button>
                  {/^9\D/.test(s.className) ? (
                    <button
                      type="button"
                      class="btn btn-secondary"
                      disabled={chosen}
                      onClick={() => onContinue(s)}
                      aria-label={`${t('yc.continue')}: ${fullName(s)}`}
                      data-testid={'yc-continue-' + s.id}
                    >
                      {t('yc.continue')}
                    </button>
                  ) : null}
                </span>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}

// ---------------------------------------------------------------- the plan

function PlanView({ plan }: { plan: ClosingPlan }) {
  const { t } = useI18n();
  const totals: [keyof ClosingPlan['totals'], MessageKey][] = [
    ['classes', 'yc.total.classes'],
    ['promoted', 'yc.total.promoted'],
    ['graduates', 'yc.total.graduates'],
    ['staysBack', 'yc.total.staysBack'],
    ['curriculumLines', 'yc.total.curriculum'],
    ['assignments', 'yc.total.assignments'],
  ];
  return (
    <>
      <section class="card block" aria-labelledby="yc-totals-title">
        <h3 id="yc-totals-title" class="card-title">{t('yc.totals')}</h3>
        <dl class="facts" data-testid="yc-totals">
          {totals.map(([k, label]) => (
            <div class="fact" key={k}>
              <dt>{t(label)}</dt>
              <dd data-testid={'yc-total-' + k}>{plan.totals[k]}</dd>
            </div>
          ))}
        </dl>
        {plan.curriculum.alreadyThere ? <p class="note">{t('yc.curriculumThere')}</p> : null}
        {plan.assignments.groupAssignmentsNotCarried > 0 ? (
          <p class="note" data-testid="yc-groups-left">
            {t('yc.groupsLeft').replace('{n}', String(plan.assignments.groupAssignmentsNotCarried))}
          </p>
        ) : null}
      </section>
      <section class="print-section" aria-labelledby="yc-classes-title">
        <h3 id="yc-classes-title" class="section-title">
          {t('yc.classes').replace('{next}', yearName(plan.nextYear))}
        </h3>
        <table class="table stack" data-testid="yc-classes">
          <thead>
            <tr>
              <th scope="col">{t('ac.col.class')}</th>
              <th scope="col">{t('mv.col.from')}</th>
              <th scope="col">{t('ac.col.teacher')}</th>
              <th scope="col">{t('yc.col.promoted')}</th>
              <th scope="col">{t('yc.col.staysBack')}</th>
            </tr>
          </thead>
          <tbody>
            {plan.classes.map((c) => (
              <tr key={c.name} data-testid="yc-class">
                <th scope="row" data-label={t('ac.col.class')}>{c.name}</th>
                <td data-label={t('mv.col.from')}>{c.from ?? '—'}</td>
                <td data-label={t('ac.col.teacher')}>{c.classTeacher?.name ?? '—'}</td>
                <td data-label={t('yc.col.promoted')}>
                  <details class="no-print">
                    <summary data-testid="yc-class-promoted">{c.promoted.count}</summary>
                    <StudentList students={c.promoted.students} testId="yc-class-promoted-list" />
                  </details>
                  <div class="print-only">
                    {c.promoted.count}
                    <StudentList students={c.promoted.students} testId="yc-class-promoted-print" />
                  </div>
                </td>
                <td data-label={t('yc.col.staysBack')}>
                  {c.staysBack.count > 0 ? (
                    <>
                      <span data-testid="yc-class-stays">{c.staysBack.count}</span>
                      <StudentList students={c.staysBack.students} testId="yc-class-stays-list" />
                    </>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section class="print-section" aria-labelledby="yc-grads-title">
        <h3 id="yc-grads-title" class="section-title">
          {t('yc.graduates')} ({plan.graduates.count})
        </h3>
        {plan.graduates.classes.map((g) => (
          <div key={g.class} class="card block" data-testid="yc-grad-class">
            <h4 class="sub-title">
              {g.class} ({g.count})
            </h4>
            <StudentList students={g.students} testId="yc-grad-list" />
          </div>
        ))}
      </section>
    </>
  );
}
