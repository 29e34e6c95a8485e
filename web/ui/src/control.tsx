// Journal control and the class teacher's pages:
// - /control (control_journal): the deputy's weekly check per teacher — lessons,
//   lessons without a topic or without attendance, marks given — with the
//   classes behind each line, and remarks to a teacher;
// - /remarks (teachers): "Мои замечания", each marked as fixed by the teacher;
// - /my-class (read_class_journal): the class's marks and attendance summary,
//   the turnstile report of a day and the whole-day attendance form.
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getClasses, type ClassRow, type Session } from './api';
import { latest } from './load';
import { useYear } from './academic';
import { dayMonth } from './diary';
import { errorMessage } from './errors';
import { formatDate } from './fields';
import { Field, FormAlert } from './forms';
import { useI18n, type MessageKey } from './i18n';
import {
  addDays, addRemark, getClassSummary, getControlWeek, getMyRemarks, getTurnstileReport, isoDate, markRemarkFixed, mondayOf, monthRange,
  putDayAttendance,
  type AttReason, type ControlTeacher, type ControlWeek, type Remark, type SummaryRow, type TurnstileReport,
} from './lessons-api';
import { PageTitle } from './pages';
import { ErrorBox, PrintButton } from './registry';
import { hoursText, subjectName } from './subjects';

function WeekNav({ week, onChange }: { week: string; onChange: (w: string) => void }) {
  const { lang, t } = useI18n();
  const sat = addDays(week, 5);
  return (
    <div class="di-weeknav no-print">
      <button type="button" class="btn btn-secondary" onClick={() => onChange(addDays(week, -7))} aria-label={t('di.prevWeek')} data-testid="ct-prev">
        ‹
      </button>
      <h2 class="di-range" aria-live="polite" data-testid="ct-week">
        {dayMonth(lang, week)} — {dayMonth(lang, sat)} {sat.slice(0, 4)}
      </h2>
      <button type="button" class="btn btn-secondary" onClick={() => onChange(addDays(week, 7))} aria-label={t('di.nextWeek')} data-testid="ct-next">
        ›
      </button>
    </div>
  );
}

// ---------------------------------------------------------------- the weekly check

export function ControlPage() {
  const { lang, t } = useI18n();
  const [week, setWeek] = useState(mondayOf(isoDate(new Date())));
  const [data, setData] = useState<ControlWeek | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [remarkFor, setRemarkFor] = useState<{ teacher: ControlTeacher; classId: number | null; className: string; subjectCode: string } | null>(null);
  const [notice, setNotice] = useState('');

  const load = () => {
    setError(null);
    return latest(getControlWeek(week), setData, setError);
  };
  useEffect(load, [week]);

  const total = (k: 'lessons' | 'withoutTopic' | 'withoutAttendance' | 'marks') => (data ? data.teachers.reduce((s, x) => s + x[k], 0) : 0);
  return (
    <div class="wide-page">
      <div class="title-row">
        <PageTitle text={t('nav.control')} />
        <PrintButton />
      </div>
      <WeekNav week={week} onChange={setWeek} />
      {notice ? (
        <p class="alert alert-ok" role="status" data-testid="ct-notice">
          {notice}
        </p>
      ) : null}
      {error ? <ErrorBox error={error} onRetry={load} testId="ct-error" /> : null}
      {data && data.teachers.length === 0 ? <div class="card empty" data-testid="ct-empty">{t('ct.empty')}</div> : null}
      {data && data.teachers.length > 0 ? (
        <table class="table stack ct-table" data-testid="ct-table">
          <caption class="sr-only">{t('nav.control')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('ct.teacher')}</th>
              <th scope="col">{t('ct.lessons')}</th>
              <th scope="col">{t('ct.withoutTopic')}</th>
              <th scope="col">{t('ct.withoutAttendance')}</th>
              <th scope="col">{t('ct.marks')}</th>
              <th scope="col" class="no-print">
                <span class="sr-only">{t('ct.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {[...data.teachers]
              .sort((a, b) => b.withoutTopic + b.withoutAttendance - (a.withoutTopic + a.withoutAttendance) || a.staff.name.localeCompare(b.staff.name, 'ru'))
              .map((x) => (
              <Fragment key={x.staff.id}>
                <tr data-testid="ct-row">
                  <th scope="row" data-label={t('ct.teacher')}>
                    <button type="button" class="linkish" aria-expanded={open === x.staff.id} onClick={() => setOpen(open === x.staff.id ? null : x.staff.id)} data-testid="ct-expand">
                      {x.staff.name}
                    </button>
                  </th>
                  <td data-label={t('ct.lessons')} class="num">{x.lessons}</td>
                  <td data-label={t('ct.withoutTopic')} class={x.withoutTopic ? 'num warn' : 'num'} data-testid="ct-without-topic">{x.withoutTopic}</td>
                  <td data-label={t('ct.withoutAttendance')} class={x.withoutAttendance ? 'num warn' : 'num'}>{x.withoutAttendance}</td>
                  <td data-label={t('ct.marks')} class="num">{x.marks}</td>
                  <td class="no-print">
                    <button type="button" class="btn btn-secondary btn-small" onClick={() => setRemarkFor({ teacher: x, classId: null, className: '', subjectCode: '' })} data-testid="ct-remark">
                      {t('ct.remark')}
                      <span class="sr-only">: {x.staff.name}</span>
                    </button>
                  </td>
                </tr>
                {open === x.staff.id
                  ? x.byClass.map((c) => (
                      <tr key={`${x.staff.id}-${c.classId}-${c.subjectCode}`} class="ct-sub" data-testid="ct-subrow">
                        <td data-label={t('ac.col.class')}>
                          {c.className} — {subjectName(lang, c.subjectCode)}
                        </td>
                        <td data-label={t('ct.lessons')} class="num">{c.lessons}</td>
                        <td data-label={t('ct.withoutTopic')} class={c.withoutTopic ? 'num warn' : 'num'}>{c.withoutTopic}</td>
                        <td data-label={t('ct.withoutAttendance')} class={c.withoutAttendance ? 'num warn' : 'num'}>{c.withoutAttendance}</td>
                        <td data-label={t('ct.marks')} class="num">{c.marks}</td>
                        <td class="no-print">
                          <button
                            type="button"
                            class="btn btn-secondary btn-small"
                            onClick={() => setRemarkFor({ teacher: x, classId: c.classId, className: c.className, subjectCode: c.subjectCode })}
                          >
                            {t('ct.remark')}
                            <span class="sr-only">: {x.staff.name}, {c.className}</span>
                          </button>
                        </td>
                      </tr>
                    ))
                  : null}
              </Fragment>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('ct.total')}</th>
              <td class="num">{total('lessons')}</td>
              <td class="num">{total('withoutTopic')}</td>
              <td class="num">{total('withoutAttendance')}</td>
              <td class="num">{total('marks')}</td>
              <td class="no-print" />
            </tr>
          </tfoot>
        </table>
      ) : null}
      {data ? (
        <section class="card block ct-remarks" aria-labelledby="ct-remarks-title">
          <h2 id="ct-remarks-title" class="card-title">
            {t('ct.weekRemarks')}
          </h2>
          <RemarkList remarks={data.remarks} />
        </section>
      ) : null}
      {remarkFor ? (
        <RemarkForm
          target={remarkFor}
          week={week}
          onClose={(saved) => {
            setRemarkFor(null);
            if (saved) {
              setNotice(t('ct.remarkSent'));
              load();
            }
          }}
        />
      ) : null}
    </div>
  );
}

function RemarkForm({
  target,
  week,
  onClose,
}: {
  target: { teacher: ControlTeacher; classId: number | null; className: string; subjectCode: string };
  week: string;
  onClose: (saved: boolean) => void;
}) {
  const { lang, t } = useI18n();
  const [text, setText] = useState(() => {
    const x = target.teacher;
    const parts: string[] = [];
    if (x.withoutTopic) parts.push(`${t('ct.withoutTopic')}: ${x.withoutTopic}`);
    if (x.withoutAttendance) parts.push(`${t('ct.withoutAttendance')}: ${x.withoutAttendance}`);
    return parts.join('; ');
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) {
      setError(t('fe.required'));
      return;
    }
    setBusy(true);
    try {
      await addRemark({ staffId: target.teacher.staff.id, classId: target.classId, subjectCode: target.subjectCode, weekOf: week, text: text.trim() });
      onClose(true);
    } catch (err) {
      setError(errorMessage(lang, err));
      setBusy(false);
    }
  };
  return (
    <div class="modal-back">
      <form class="modal card" role="dialog" aria-modal="true" aria-labelledby="ct-form-title" onSubmit={submit} data-testid="ct-remark-form"
        onKeyDown={(e) => e.key === 'Escape' && onClose(false)}>
        <h2 id="ct-form-title" class="card-title">
          {t('ct.remarkTo')} {target.teacher.staff.name}
          {target.className ? `, ${target.className} — ${subjectName(lang, target.subjectCode)}` : ''}
        </h2>
        {error ? <FormAlert testId="ct-remark-error">{error}</FormAlert> : null}
        <div class="field">
          <label for="ct-text">{t('ct.remarkText')}</label>
          <textarea id="ct-text" value={text} maxLength={2000} onInput={(e) => setText(e.currentTarget.value)} data-testid="input-ct-text" />
        </div>
        <div class="filter-actions">
          <button type="submit" class="btn btn-primary" disabled={busy} data-testid="ct-remark-send">
            {busy ? t('mv.saving') : t('ct.send')}
          </button>
          <button type="button" class="btn btn-secondary" onClick={() => onClose(false)}>
            {t('card.cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}

function RemarkList({ remarks, onFixed }: { remarks: Remark[]; onFixed?: (id: number) => void }) {
  const { lang, t } = useI18n();
  if (remarks.length === 0) return <p class="muted" data-testid="remarks-empty">{t('ct.noRemarks')}</p>;
  return (
    <ul class="choice-list">
      {remarks.map((r) => (
        <li key={r.id} data-testid="remark" data-id={r.id}>
          <div>
            <p>
              <strong>{r.staff.name}</strong>
              {r.className ? ` · ${r.className}` : ''}
              {r.subjectCode ? ` · ${subjectName(lang, r.subjectCode)}` : ''}
              <span class="muted"> · {t('ct.weekOf')} {formatDate(lang, r.weekOf)}</span>
            </p>
            <p class="remark-text">{r.text}</p>
            <p class="muted">
              {r.createdBy}
              {r.createdAt ? `, ${formatDate(lang, r.createdAt.slice(0, 10))}` : ''}
            </p>
          </div>
          {r.fixedAt ? (
            <span class="badge badge-ok" data-testid="remark-fixed">
              {t('ct.fixed')} {formatDate(lang, r.fixedAt.slice(0, 10))}
            </span>
          ) : onFixed ? (
            <button type="button" class="btn btn-secondary" onClick={() => onFixed(r.id)} data-testid="remark-fix">
              {t('ct.markFixed')}
            </button>
          ) : (
            <span class="badge badge-warn">{t('ct.open')}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

// ---------------------------------------------------------------- "Мои замечания"

export function RemarksPage() {
  const { lang, t } = useI18n();
  const [remarks, setRemarks] = useState<Remark[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [failed, setFailed] = useState('');
  const load = () => {
    setError(null);
    getMyRemarks().then(setRemarks, setError);
  };
  useEffect(load, []);
  const fix = async (id: number) => {
    setFailed('');
    try {
      await markRemarkFixed(id);
      load();
    } catch (e) {
      setFailed(errorMessage(lang, e));
    }
  };
  return (
    <>
      <PageTitle text={t('nav.remarks')} />
      {error ? <ErrorBox error={error} onRetry={load} testId="remarks-error" /> : null}
      {failed ? <FormAlert testId="remarks-fix-error">{failed}</FormAlert> : null}
      {remarks ? (
        <section class="card" aria-label={t('nav.remarks')}>
          <RemarkList remarks={remarks} onFixed={fix} />
        </section>
      ) : !error ? (
        <p class="status-line" role="status">{t('app.loading')}</p>
      ) : null}
    </>
  );
}

// ---------------------------------------------------------------- "Мой класс"

type ClassTab = 'summary' | 'turnstile' | 'day';

export function MyClassPage({ session }: { session: Session }) {
  const { t } = useI18n();
  const y = useYear();
  const [classes, setClasses] = useState<ClassRow[] | null>(null);
  const [classId, setClassId] = useState('');
  const [tab, setTab] = useState<ClassTab>('summary');
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (y.year === null) return;
    getClasses(y.year).then((cs) => {
      // The class teacher's own class first (by name: /me carries no person id).
      const mine = cs.filter((c) => c.classTeacherName === session.user.name);
      setClasses(mine.length ? mine : cs);
      setClassId(String((mine[0] ?? cs[0])?.id ?? ''));
    }, setError);
  }, [y.year]);
  const cls = classes?.find((c) => String(c.id) === classId);
  return (
    <div class="wide-page">
      <div class="title-row">
        <PageTitle text={cls ? `${t('nav.myClass')}: ${cls.name}` : t('nav.myClass')} />
        <PrintButton />
      </div>
      {error || y.error ? <ErrorBox error={error ?? y.error} testId="mc-error" /> : null}
      {classes && classes.length > 1 ? (
        <div class="toolbar no-print">
          <Field id="mc-class" label={t('tt.kind.class')} value={classId} onInput={setClassId} options={classes.map((c) => [String(c.id), c.name] as [string, string])} />
        </div>
      ) : null}
      <div class="tabs no-print" role="group" aria-label={t('nav.myClass')}>
        {(['summary', 'day', 'turnstile'] as const).map((k) => (
          <button key={k} type="button" class="tab" aria-pressed={tab === k} onClick={() => setTab(k)} data-testid={'mc-tab-' + k}>
            {t(('mc.tab.' + k) as MessageKey)}
          </button>
        ))}
      </div>
      {cls ? (
        tab === 'summary' ? (
          <ClassSummary key={cls.id} classId={cls.id} />
        ) : tab === 'day' ? (
          <DayAttendance key={cls.id} classId={cls.id} />
        ) : (
          <Turnstile key={cls.id} classId={cls.id} />
        )
      ) : null}
    </div>
  );
}

function thisMonth(): string {
  return isoDate(new Date()).slice(0, 7);
}

function ClassSummary({ classId }: { classId: number }) {
  const { lang, t } = useI18n();
  const [from, setFrom] = useState(monthRange(thisMonth()).from);
  const [to, setTo] = useState(monthRange(thisMonth()).to);
  const [rows, setRows] = useState<SummaryRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => {
    if (!from || !to) return;
    setError(null);
    return latest(getClassSummary(classId, from, to), setRows, setError);
  };
  useEffect(load, [classId, from, to]);
  const subjects = rows ? [...new Set(rows.flatMap((r) => r.averages.map((a) => a.subjectCode)))] : [];
  const avg = (x: number | null | undefined) => (x === null || x === undefined ? '—' : hoursText(lang, Math.round(x * 100) / 100));
  return (
    <>
      <div class="toolbar no-print">
        <Field id="mc-from" label={t('tt.from')} type="date" value={from} onInput={setFrom} />
        <Field id="mc-to" label={t('tt.to')} type="date" value={to} onInput={setTo} />
      </div>
      <p class="print-only print-caption">
        {formatDate(lang, from)} — {formatDate(lang, to)}
      </p>
      {error ? <ErrorBox error={error} onRetry={load} testId="mc-error" /> : null}
      {rows && rows.length === 0 ? <div class="card empty">{t('mc.noStudents')}</div> : null}
      {rows && rows.length > 0 ? (
        <div class="tt-week-wrap" role="region" aria-label={t('mc.tab.summary')} tabIndex={0}>
          <table class="table mc-summary" data-testid="mc-summary">
            <caption class="sr-only">{t('mc.tab.summary')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('jr.student')}</th>
                {subjects.map((s) => (
                  <th key={s} scope="col" title={subjectName(lang, s)}>
                    {subjectName(lang, s)}
                  </th>
                ))}
                <th scope="col">{t('mc.absent')}</th>
                <th scope="col">{t('mc.ill')}</th>
                <th scope="col">{t('mc.excused')}</th>
                <th scope="col">{t('mc.unexcused')}</th>
                <th scope="col">{t('mc.late')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-testid="mc-row">
                  <th scope="row">{r.name}</th>
                  {subjects.map((s) => {
                    const a = r.averages.find((x) => x.subjectCode === s)?.average;
                    return (
                      <td key={s} class={a !== null && a !== undefined && a < 3 ? 'num warn' : 'num'}>
                        {avg(a)}
                      </td>
                    );
                  })}
                  <td class="num">{r.absences.total}</td>
                  <td class="num">{r.absences.ill}</td>
                  <td class="num">{r.absences.excused}</td>
                  <td class={r.absences.unexcused ? 'num warn' : 'num'}>{r.absences.unexcused}</td>
                  <td class="num">{r.absences.late}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

function Turnstile({ classId }: { classId: number }) {
  const { lang, t } = useI18n();
  const [date, setDate] = useState(isoDate(new Date()));
  const [report, setReport] = useState<TurnstileReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => {
    if (!date) return;
    setError(null);
    return latest(getTurnstileReport(classId, date), setReport, setError);
  };
  useEffect(load, [classId, date]);
  const lessonsText = (ls: unknown[]) =>
    ls
      .map((l) => (typeof l === 'number' ? String(l) : l && typeof l === 'object' && 'number' in l ? String((l as { number: unknown }).number) : ''))
      .filter(Boolean)
      .join(', ');
  const block = (title: MessageKey, rows: TurnstileReport['inBuildingButAbsent'], testId: string) => (
    <section class="card block" aria-label={t(title)} data-testid={testId}>
      <h2 class="card-title">{t(title)}</h2>
      {rows.length === 0 ? (
        <p class="muted">{t('mc.nobody')}</p>
      ) : (
        <ul class="plain-list">
          {rows.map((r) => (
            <li key={r.student.id}>
              {r.student.name}
              {r.lessons.length ? <span class="muted"> — {t('mc.lessonsNo')} {lessonsText(r.lessons)}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
  return (
    <>
      <div class="toolbar no-print">
        <Field id="mc-date" label={t('mc.date')} type="date" value={date} onInput={setDate} />
      </div>
      <p class="print-only print-caption">{formatDate(lang, date)}</p>
      {error ? <ErrorBox error={error} onRetry={load} testId="mc-error" /> : null}
      {report ? (
        <>
          {block('mc.inButAbsent', report.inBuildingButAbsent, 'mc-in-absent')}
          {block('mc.presentNotIn', report.markedPresentButNotInBuilding, 'mc-present-out')}
        </>
      ) : null}
    </>
  );
}

function DayAttendance({ classId }: { classId: number }) {
  const { lang, t } = useI18n();
  const [date, setDate] = useState(isoDate(new Date()));
  const [students, setStudents] = useState<{ id: number; name: string }[] | null>(null);
  const [marks, setMarks] = useState<Record<number, { absent: boolean; reason: AttReason }>>({});
  const [error, setError] = useState<unknown>(null);
  const [formError, setFormError] = useState('');
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    // The class list: the summary's students (sorted by name by the server).
    return latest(getClassSummary(classId, date, date), (rows) => setStudents(rows.map((r) => ({ id: r.id, name: r.name }))), setError);
  }, [classId]);
  const set = (id: number, v: { absent: boolean; reason: AttReason }) => {
    setSaved(false);
    setMarks((m) => ({ ...m, [id]: v }));
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const list = Object.entries(marks).map(([id, v]) => ({ studentId: Number(id), status: v.absent ? ('absent' as const) : null, reason: v.absent ? v.reason : null }));
    if (list.length === 0) {
      setFormError(t('jr.nothingToSave'));
      return;
    }
    setBusy(true);
    setFormError('');
    try {
      await putDayAttendance(classId, date, list);
      setSaved(true);
    } catch (err) {
      setFormError(errorMessage(lang, err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="edit-form" onSubmit={submit} noValidate aria-busy={busy} data-testid="mc-day-form">
      <fieldset class="card block">
        <legend class="card-title">{t('mc.dayTitle')}</legend>
        <p class="note">{t('mc.dayNote')}</p>
        {formError ? <FormAlert testId="mc-day-error">{formError}</FormAlert> : null}
        {saved ? (
          <p class="alert alert-ok" role="status" data-testid="mc-day-saved">
            {t('ac.saved')}
          </p>
        ) : null}
        <Field id="mc-day-date" label={t('mc.date')} type="date" value={date} onInput={(v) => { setDate(v); setSaved(false); }} />
        {error ? <ErrorBox error={error} testId="mc-error" /> : null}
        {students ? (
          <ul class="choice-list">
            {students.map((s) => {
              const v = marks[s.id] ?? { absent: false, reason: 'ill' as AttReason };
              return (
                <li key={s.id} data-testid="mc-day-row">
                  <label class="check">
                    <input type="checkbox" checked={v.absent} onChange={(e) => set(s.id, { ...v, absent: e.currentTarget.checked })} />
                    {s.name}
                  </label>
                  {v.absent ? (
                    <select aria-label={`${t('mc.reason')}: ${s.name}`} value={v.reason ?? ''} onChange={(e) => set(s.id, { ...v, reason: (e.currentTarget.value || null) as AttReason })}>
                      <option value="ill">{t('mc.ill')}</option>
                      <option value="excused">{t('mc.excused')}</option>
                      <option value="unexcused">{t('mc.unexcused')}</option>
                    </select>
                  ) : null}
                </li>
              );
            })}
          </ul>
        ) : null}
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="mc-day-save">
          {busy ? t('mv.saving') : t('card.save')}
        </button>
      </fieldset>
    </form>
  );
}
