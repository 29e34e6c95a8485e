// The timetable: /schedule shows the lessons of a class, a teacher, a room
// or a student for a day, a week or a month (GET /schedule), with the iCal
// link of that person or class; "Моё расписание" is the default for a
// teacher (their own staff id from GET /load) and a student or parent (the
// diary's student). The coordinator (edit_timetable) substitutes or cancels
// a lesson from there, and edits a class's weekly timetable on
// /schedule/edit, where the conflicts the server finds are shown as they
// appear (POST/PUT /timetable/entries, GET /timetable/conflicts).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { getClasses, getLoad, searchPeople, type ClassRow, type TeacherLoad } from './api';
import { latest } from './load';
import { useYear, yearName } from './academic';
import { dayMonth, ownDiary, weekdayName } from './diary';
import { errorMessage } from './errors';
import { formatDate } from './fields';
import { Field, FormAlert } from './forms';
import { translateDynamic, useI18n, type MessageKey } from './i18n';
import {
  addDays, cancelLesson, createEntry, deleteEntry, getConflicts, getSchedule, getTimetable, icsUrl, isoDate, mondayOf,
  monthRange, substitute, updateEntry,
  type Conflict, type Entry, type EntryInput, type ScheduleDay, type ScheduleKind, type ScheduledLesson,
} from './lessons-api';
import { monthName } from './journal';
import { NotFoundPage, PageTitle } from './pages';
import { ErrorBox } from './registry';
import { linkClick, usePath } from './router';
import { subjectName } from './subjects';

type View = 'day' | 'week' | 'month';

interface Target {
  kind: ScheduleKind;
  id: number;
  label: string;
}

export function SchedulePage({ permissions }: { permissions: string[] }) {
  const path = usePath();
  const editor = permissions.includes('edit_timetable');
  if (path === '/schedule') return <ScheduleView permissions={permissions} />;
  if (path === '/schedule/edit' && editor) return <TimetableEditor />;
  return <NotFoundPage />;
}

function EditorTabs() {
  const { t } = useI18n();
  const path = usePath();
  const tabs: [string, MessageKey, string][] = [
    ['/schedule', 'tt.tab.view', 'view'],
    ['/schedule/edit', 'tt.tab.edit', 'edit'],
  ];
  return (
    <nav class="tabs no-print" aria-label={t('tt.tabs')}>
      {tabs.map(([href, label, id]) => (
        <a key={href} class="tab" href={href} aria-current={path === href ? 'page' : undefined} onClick={(e) => linkClick(e, href)} data-testid={'tt-tab-' + id}>
          {t(label)}
        </a>
      ))}
    </nav>
  );
}

function rangeOf(view: View, date: string): { from: string; to: string } {
  if (view === 'day') return { from: date, to: date };
  if (view === 'week') {
    const mon = mondayOf(date);
    return { from: mon, to: addDays(mon, 5) };
  }
  return monthRange(date.slice(0, 7));
}

function step(view: View, date: string, dir: number): string {
  if (view === 'day') {
    let d = addDays(date, dir);
    if (new Date(d + 'T00:00').getDay() === 0) d = addDays(d, dir);
    return d;
  }
  if (view === 'week') return addDays(mondayOf(date), 7 * dir);
  const [y, m] = date.split('-').map(Number) as [number, number];
  const n = new Date(y, m - 1 + dir, 1);
  return isoDate(n);
}

// ---------------------------------------------------------------- the views

function ScheduleView({ permissions }: { permissions: string[] }) {
  const { lang, t } = useI18n();
  const y = useYear();
  const staffReader = permissions.includes('read_timetable');
  const editor = permissions.includes('edit_timetable');
  const [view, setView] = useState<View>(() => (window.innerWidth < 768 ? 'day' : 'week'));
  const [date, setDate] = useState(isoDate(new Date()));
  const [kind, setKind] = useState<ScheduleKind>('class');
  const [target, setTarget] = useState<Target | null>(null);
  const [own, setOwn] = useState<Target[] | null>(null);
  const [classes, setClasses] = useState<ClassRow[]>([]);
  const [teachers, setTeachers] = useState<TeacherLoad[]>([]);
  const [rooms, setRooms] = useState<{ id: number; name: string }[]>([]);
  const [days, setDays] = useState<ScheduleDay[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [studentQuery, setStudentQuery] = useState('');
  const [studentHits, setStudentHits] = useState<{ id: number; name: string }[]>([]);
  const [acting, setActing] = useState<ScheduledLesson | null>(null);

  // Whose timetable to start with: one's own (a teacher's staff id comes with their load; a
  // student's or parent's child's id with the diary), else the first class.
  useEffect(() => {
    if (y.year === null) return;
    const year = y.year;
    const mine: Target[] = [];
    const jobs: Promise<unknown>[] = [];
    if (staffReader) {
      jobs.push(getClasses(year).then(setClasses, () => undefined));
      jobs.push(
        getLoad(year).then((ts) => {
          setTeachers(ts);
          if (ts.length === 1 && ts[0] && permissions.includes('read_own_load') && !permissions.includes('read_academic'))
            mine.push({ kind: 'teacher', id: ts[0].staffId, label: ts[0].name });
        }, () => undefined),
      );
      jobs.push(
        getTimetable(year, {}).then((es) => {
          const m = new Map<number, string>();
          es.forEach((e) => e.roomId !== null && m.set(e.roomId, e.room));
          setRooms([...m.entries()].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name, 'ru', { numeric: true })));
        }, () => undefined),
      );
    }
    if (permissions.includes('read_own_diary') || permissions.includes('read_children_diary')) {
      jobs.push(
        ownDiary(isoDate(new Date())).then((d) => {
          const kids = d.children.length ? d.children : [d.student];
          kids.forEach((k) => mine.push({ kind: 'student', id: k.id, label: `${k.name}${k.className ? ', ' + k.className : ''}` }));
        }, () => undefined),
      );
    }
    Promise.all(jobs).then(() => {
      setOwn(mine);
      setTarget((cur) => cur ?? mine[0] ?? null);
    });
  }, [y.year]);

  useEffect(() => {
    if (!target && classes[0] && own && own.length === 0) setTarget({ kind: 'class', id: classes[0].id, label: classes[0].name });
  }, [classes, own]);

  const range = rangeOf(view, date);
  const load = () => {
    if (!target) return;
    setLoading(true);
    setError(null);
    return latest(
      getSchedule(target.kind, target.id, range.from, range.to),
      (d) => {
        setDays(d);
        setLoading(false);
      },
      (e) => {
        setError(e);
        setLoading(false);
      },
    );
  };
  useEffect(load, [target?.kind, target?.id, range.from, range.to]);

  useEffect(() => {
    if (kind !== 'student' || studentQuery.trim().length < 2) {
      setStudentHits([]);
      return;
    }
    const timer = setTimeout(() => {
      searchPeople('student', studentQuery.trim(), 10, 0).then(
        (ps) => setStudentHits(ps.map((p) => ({ id: p.id, name: `${p.surname} ${p.firstName} ${p.patronymic}`.trim() + (p.className ? ', ' + p.className : '') }))),
        () => setStudentHits([]),
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [studentQuery, kind]);

  const title = view === 'day' ? `${weekdayName(lang, date)}, ${dayMonth(lang, date)}` : view === 'week' ? `${dayMonth(lang, range.from)} — ${dayMonth(lang, range.to)}` : monthName(lang, date.slice(0, 7));
  const options: [string, string][] =
    kind === 'class'
      ? classes.map((c) => [String(c.id), c.name])
      : kind === 'teacher'
        ? teachers.map((x) => [String(x.staffId), x.name])
        : kind === 'room'
          ? rooms.map((r) => [String(r.id), r.name])
          : [];
  const pick = (k: ScheduleKind, id: string) => {
    const label = options.find(([v]) => v === id)?.[1] ?? id;
    if (id) setTarget({ kind: k, id: Number(id), label });
  };

  return (
    <div class="wide-page">
      <div class="title-row">
        <PageTitle text={t('nav.schedule')} />
        {target ? (
          <a class="btn btn-secondary no-print" href={icsUrl(target.kind, target.id)} download="schedule.ics" data-testid="tt-ics">
            {t('tt.ics')}
          </a>
        ) : null}
      </div>
      {editor ? <EditorTabs /> : null}
      {y.error ? <ErrorBox error={y.error} onRetry={y.reload} testId="tt-error" /> : null}
      <div class="toolbar tt-pickers no-print">
        {own && own.length > 0 ? (
          <Field
            id="tt-own"
            label={t('tt.mine')}
            value={target && own.some((o) => o.kind === target.kind && o.id === target.id) ? `${target.kind}:${target.id}` : ''}
            onInput={(v) => {
              const o = own.find((x) => `${x.kind}:${x.id}` === v);
              if (o) setTarget(o);
            }}
            options={[['', '—'] as [string, string]].concat(own.map((o) => [`${o.kind}:${o.id}`, o.label] as [string, string]))}
          />
        ) : null}
        {staffReader ? (
          <>
            <Field
              id="tt-kind"
              label={t('tt.whose')}
              value={kind}
              onInput={(v) => setKind(v as ScheduleKind)}
              options={(['class', 'teacher', 'room', 'student'] as const).map((k) => [k, t(('tt.kind.' + k) as MessageKey)] as [string, string])}
            />
            {kind !== 'student' ? (
              <Field
                id="tt-target"
                label={t(('tt.kind.' + kind) as MessageKey)}
                value={target?.kind === kind ? String(target.id) : ''}
                onInput={(v) => pick(kind, v)}
                options={[['', t('tt.choose')] as [string, string]].concat(options)}
              />
            ) : (
              <div class="field">
                <label for="tt-student">{t('tt.studentSearch')}</label>
                <input id="tt-student" type="search" value={studentQuery} onInput={(e) => setStudentQuery(e.currentTarget.value)} data-testid="input-tt-student" />
                {studentHits.length ? (
                  <ul class="tt-hits">
                    {studentHits.map((s) => (
                      <li key={s.id}>
                        <button type="button" class="btn btn-secondary" onClick={() => setTarget({ kind: 'student', id: s.id, label: s.name })}>
                          {s.name}
                        </button>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </div>
            )}
          </>
        ) : null}
      </div>
      <div class="tt-nav no-print">
        <div class="tabs" role="group" aria-label={t('tt.view')}>
          {(['day', 'week', 'month'] as const).map((v) => (
            <button key={v} type="button" class="tab" aria-pressed={view === v} onClick={() => setView(v)} data-testid={'tt-view-' + v}>
              {t(('tt.view.' + v) as MessageKey)}
            </button>
          ))}
        </div>
        <button type="button" class="btn btn-secondary" onClick={() => setDate(step(view, date, -1))} aria-label={t('tt.prev')} data-testid="tt-prev">
          ‹
        </button>
        <h2 class="di-range" aria-live="polite" data-testid="tt-range">
          {title}
        </h2>
        <button type="button" class="btn btn-secondary" onClick={() => setDate(step(view, date, 1))} aria-label={t('tt.next')} data-testid="tt-next">
          ›
        </button>
        <button type="button" class="btn btn-secondary" onClick={() => setDate(isoDate(new Date()))} data-testid="tt-today">
          {t('tt.today')}
        </button>
      </div>
      {target ? (
        <p class="muted" data-testid="tt-target-name">
          {t(('tt.kind.' + target.kind) as MessageKey)}: {target.label}
          {y.year !== null ? ` · ${yearName(y.year)}` : ''}
        </p>
      ) : null}
      {error ? <ErrorBox error={error} onRetry={load} testId="tt-error" /> : null}
      {loading && !days ? <p class="status-line" role="status">{t('app.loading')}</p> : null}
      {days && target ? (
        <div aria-busy={loading}>
          {view === 'month' ? (
            <MonthGrid days={days} from={range.from} to={range.to} kind={target.kind} onDay={(d) => { setDate(d); setView('day'); }} />
          ) : (
            <div class={view === 'day' ? 'tt-days one' : 'tt-days'}>
              {Array.from({ length: view === 'day' ? 1 : 6 }, (_, i) => addDays(range.from, i)).map((d) => (
                <DayCard key={d} date={d} lessons={days.find((x) => x.date === d)?.lessons ?? []} kind={target.kind} onAct={editor ? setActing : null} />
              ))}
            </div>
          )}
        </div>
      ) : null}
      {acting ? <LessonActions lesson={acting} teachers={teachers} onClose={(changed) => { setActing(null); if (changed) load(); }} /> : null}
    </div>
  );
}

function lessonWhat(lang: 'ru' | 'en', l: ScheduledLesson, kind: ScheduleKind): string {
  const parts = [subjectName(lang, l.subjectCode)];
  if (kind !== 'class' && kind !== 'student') parts.push(l.className + (l.groupName ? ' · ' + l.groupName : ''));
  else if (l.groupName) parts.push(l.groupName);
  return parts.join(', ');
}

function DayCard({ date, lessons, kind, onAct }: { date: string; lessons: ScheduledLesson[]; kind: ScheduleKind; onAct: ((l: ScheduledLesson) => void) | null }) {
  const { lang, t } = useI18n();
  const today = date === isoDate(new Date());
  const id = 'tt-day-' + date;
  return (
    <section class={today ? 'card di-day today' : 'card di-day'} aria-labelledby={id} data-testid="tt-day" data-date={date}>
      <h3 id={id} class="di-dayname">
        {weekdayName(lang, date)}, <span class="muted">{formatDate(lang, date)}</span>
      </h3>
      {lessons.length === 0 ? (
        <p class="muted">{t('di.noLessons')}</p>
      ) : (
        <ol class="di-lessons">
          {lessons.map((l) => {
            const cancelled = l.status === 'cancelled';
            return (
              <li key={l.lessonId} class={cancelled ? 'di-lesson cancelled' : 'di-lesson'} data-testid="tt-lesson" data-lesson={l.lessonId}>
                <div class="di-head">
                  <span class="di-no">{l.number}</span>
                  <span class="di-subject">{lessonWhat(lang, l, kind)}</span>
                  <span class="di-time muted">
                    {l.startsAt}–{l.endsAt}
                  </span>
                </div>
                <p class="muted">
                  {l.room ? `${t('tt.room')} ${l.room}` : ''}
                  {kind !== 'teacher' && (l.givenBy ?? l.teacher) ? `${l.room ? ' · ' : ''}${(l.givenBy ?? l.teacher)?.name}` : ''}
                </p>
                {l.substitution || l.givenBy ? (
                  <p>
                    <span class="badge badge-warn">{t('tt.substitution')}</span> {l.teacher && l.givenBy ? `${t('tt.insteadOf')} ${l.teacher.name}` : ''}
                  </p>
                ) : null}
                {cancelled ? (
                  <p class="di-note">
                    {t('di.cancelled')} {l.reason}
                  </p>
                ) : null}
                {onAct && !cancelled ? (
                  <p class="no-print">
                    <button type="button" class="btn btn-secondary btn-small" onClick={() => onAct(l)} data-testid="tt-act">
                      {t('tt.change')}
                      <span class="sr-only">: {lessonWhat(lang, l, kind)}, {l.number}</span>
                    </button>
                  </p>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

function MonthGrid({ days, from, to, kind, onDay }: { days: ScheduleDay[]; from: string; to: string; kind: ScheduleKind; onDay: (d: string) => void }) {
  const { lang, t } = useI18n();
  const start = mondayOf(from);
  const weeks: string[][] = [];
  for (let w = start; w <= to; w = addDays(w, 7)) weeks.push(Array.from({ length: 6 }, (_, i) => addDays(w, i)));
  return (
    <div class="tt-month-wrap">
      <table class="table tt-month" data-testid="tt-month">
        <thead>
          <tr>
            {weeks[0]?.map((d) => (
              <th key={d} scope="col">
                {weekdayName(lang, d, 'short')}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((w) => (
            <tr key={w[0]}>
              {w.map((d) => {
                const inMonth = d >= from && d <= to;
                const ls = days.find((x) => x.date === d)?.lessons ?? [];
                return (
                  <td key={d} class={inMonth ? '' : 'out'}>
                    {inMonth ? (
                      <>
                        <button type="button" class="tt-daylink" onClick={() => onDay(d)} aria-label={`${weekdayName(lang, d)}, ${dayMonth(lang, d)}: ${ls.length} ${t('tt.lessons')}`}>
                          {Number(d.slice(8))}
                        </button>
                        <ul class="tt-mini">
                          {ls.map((l) => (
                            <li key={l.lessonId} class={l.status === 'cancelled' ? 'cancelled' : ''}>
                              {l.number}. {lessonWhat(lang, l, kind)}
                            </li>
                          ))}
                        </ul>
                      </>
                    ) : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// ---------------------------------------------------------------- substitution and cancelling

function LessonActions({ lesson, teachers, onClose }: { lesson: ScheduledLesson; teachers: TeacherLoad[]; onClose: (changed: boolean) => void }) {
  const { lang, t } = useI18n();
  const [mode, setMode] = useState<'substitute' | 'cancel'>('substitute');
  const [staffId, setStaffId] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (mode === 'substitute' && !staffId) {
      setError(t('tt.e.staff'));
      return;
    }
    setBusy(true);
    setError('');
    try {
      if (mode === 'substitute') await substitute(lesson.lessonId, Number(staffId), reason.trim());
      else await cancelLesson(lesson.lessonId, reason.trim());
      onClose(true);
    } catch (err) {
      setError(errorMessage(lang, err));
      setBusy(false);
    }
  };
  return (
    <div class="modal-back">
      <form class="modal card" role="dialog" aria-modal="true" aria-labelledby="tt-act-title" onSubmit={submit} data-testid="tt-act-form"
        onKeyDown={(e) => e.key === 'Escape' && onClose(false)}>
        <h2 id="tt-act-title" class="card-title">
          {subjectName(lang, lesson.subjectCode)}, {lesson.className}, {lesson.number} {t('jr.lessonShort')}
        </h2>
        {error ? <FormAlert testId="tt-act-error">{error}</FormAlert> : null}
        <div class="tabs" role="group" aria-label={t('tt.change')}>
          <button type="button" class="tab" aria-pressed={mode === 'substitute'} onClick={() => setMode('substitute')} data-testid="tt-act-substitute">
            {t('tt.substitute')}
          </button>
          <button type="button" class="tab" aria-pressed={mode === 'cancel'} onClick={() => setMode('cancel')} data-testid="tt-act-cancel">
            {t('tt.cancel')}
          </button>
        </div>
        {mode === 'substitute' ? (
          <Field
            id="tt-sub-staff"
            label={t('tt.substituteBy')}
            value={staffId}
            onInput={setStaffId}
            options={[['', t('tt.choose')] as [string, string]].concat(teachers.map((x) => [String(x.staffId), x.name] as [string, string]))}
          />
        ) : null}
        <Field id="tt-reason" label={t('tt.reason')} value={reason} onInput={setReason} maxLength={200} />
        <div class="filter-actions">
          <button type="submit" class="btn btn-primary" disabled={busy} data-testid="tt-act-submit">
            {busy ? t('mv.saving') : mode === 'substitute' ? t('tt.substitute') : t('tt.cancel')}
          </button>
          <button type="button" class="btn btn-secondary" onClick={() => onClose(false)}>
            {t('card.cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}

// ---------------------------------------------------------------- the weekly timetable editor

const WEEKDAYS = [1, 2, 3, 4, 5, 6];
const NUMBERS = [1, 2, 3, 4, 5, 6, 7, 8];

interface Slot {
  entry: Entry | null;
  weekday: number;
  lessonNumber: number;
}

function TimetableEditor() {
  const { lang, t } = useI18n();
  const y = useYear();
  const [classes, setClasses] = useState<ClassRow[]>([]);
  const [classId, setClassId] = useState('');
  const [teachers, setTeachers] = useState<TeacherLoad[]>([]);
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [rooms, setRooms] = useState<{ id: number; name: string }[]>([]);
  const [conflicts, setConflicts] = useState<Conflict[]>([]);
  const [fresh, setFresh] = useState<Conflict[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [slot, setSlot] = useState<Slot | null>(null);

  useEffect(() => {
    if (y.year === null) return;
    getClasses(y.year).then((cs) => {
      setClasses(cs);
      setClassId((c) => c || String(cs[0]?.id ?? ''));
    }, setError);
    getLoad(y.year).then(setTeachers, () => undefined);
    getTimetable(y.year, {}).then((es) => {
      const m = new Map<number, string>();
      es.forEach((e) => e.roomId !== null && m.set(e.roomId, e.room));
      setRooms([...m.entries()].map(([id, name]) => ({ id, name })));
    }, () => undefined);
  }, [y.year]);

  const load = () => {
    if (y.year === null || !classId) return;
    setError(null);
    getTimetable(y.year, { classId: Number(classId) }).then(setEntries, setError);
    getConflicts(y.year).then(setConflicts, () => setConflicts([]));
  };
  useEffect(load, [y.year, classId]);

  const lines = useMemo(
    () =>
      teachers.flatMap((x) =>
        x.lines.filter((l) => String(l.classId) === classId).map((l) => ({ ...l, staffId: x.staffId, staffName: x.name })),
      ),
    [teachers, classId],
  );
  const bySlot = (wd: number, n: number) => (entries ?? []).filter((e) => e.weekday === wd && e.lessonNumber === n);
  const conflictIds = new Set(conflicts.flatMap((c) => c.entryIds));
  const classConflicts = conflicts.filter((c) => c.classId === undefined || c.classId === null || String(c.classId) === classId || c.entryIds.some((id) => (entries ?? []).some((e) => e.id === id)));

  return (
    <div class="wide-page">
      <PageTitle text={t('tt.editTitle')} />
      <EditorTabs />
      {y.error ? <ErrorBox error={y.error} onRetry={y.reload} testId="tt-error" /> : null}
      <div class="toolbar no-print">
        <Field id="tt-class" label={t('tt.kind.class')} value={classId} onInput={setClassId} options={classes.map((c) => [String(c.id), c.name] as [string, string])} />
      </div>
      {error ? <ErrorBox error={error} onRetry={load} testId="tt-error" /> : null}
      {fresh && fresh.length ? (
        <div class="alert alert-error" role="alert" data-testid="tt-fresh-conflicts">
          <strong>{t('tt.savedWithConflicts')}</strong>
          <ul class="plain-list">
            {fresh.map((c, i) => (
              <li key={i}>{c.message}</li>
            ))}
          </ul>
        </div>
      ) : fresh ? (
        <p class="alert alert-ok" role="status" data-testid="tt-saved">
          {t('ac.saved')}
        </p>
      ) : null}
      {entries ? (
        <div class="tt-week-wrap">
          <table class="table tt-week" data-testid="tt-week">
            <caption class="sr-only">{t('tt.editTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">№</th>
                {WEEKDAYS.map((wd) => (
                  <th key={wd} scope="col">
                    {t(('tt.wd.' + wd) as MessageKey)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {NUMBERS.map((n) => (
                <tr key={n}>
                  <th scope="row">{n}</th>
                  {WEEKDAYS.map((wd) => {
                    const es = bySlot(wd, n);
                    return (
                      <td key={wd} class={es.some((e) => conflictIds.has(e.id)) ? 'tt-slot conflict' : 'tt-slot'} data-testid={`tt-slot-${wd}-${n}`}>
                        {es.map((e) => (
                          <button key={e.id} type="button" class="tt-entry" onClick={() => setSlot({ entry: e, weekday: wd, lessonNumber: n })} data-testid="tt-entry">
                            <strong>{subjectName(lang, e.subjectCode)}</strong>
                            {e.groupName ? ` · ${e.groupName}` : ''}
                            <span class="muted">
                              {e.staff.name.split(' ')[0]}
                              {e.room ? `, ${e.room}` : ''}
                            </span>
                            {conflictIds.has(e.id) ? <span class="sr-only"> — {t('tt.conflict')}</span> : null}
                          </button>
                        ))}
                        <button type="button" class="tt-add" onClick={() => setSlot({ entry: null, weekday: wd, lessonNumber: n })} aria-label={`${t('tt.add')}: ${t(('tt.wd.' + wd) as MessageKey)}, ${n}`}>
                          +
                        </button>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <section class="card block" aria-labelledby="tt-conflicts-title" data-testid="tt-conflicts">
        <h2 id="tt-conflicts-title" class="card-title">
          {t('tt.conflicts')}
        </h2>
        {classConflicts.length === 0 ? (
          <p class="muted" data-testid="tt-no-conflicts">{t('tt.noConflicts')}</p>
        ) : (
          <ul class="plain-list">
            {classConflicts.map((c, i) => (
              <li key={i} data-testid="tt-conflict">
                <span class="badge badge-warn">{translateDynamic(lang, 'tt.ck.' + c.kind) ?? c.kind}</span> {c.message}
              </li>
            ))}
          </ul>
        )}
      </section>
      {slot && y.year !== null ? (
        <EntryForm
          slot={slot}
          year={y.years?.find((x) => x.year === y.year) ?? null}
          schoolYear={y.year}
          classId={Number(classId)}
          lines={lines}
          rooms={rooms}
          onClose={(result) => {
            setSlot(null);
            if (result) {
              setFresh(result);
              load();
            }
          }}
        />
      ) : null}
    </div>
  );
}

function EntryForm({
  slot,
  year,
  schoolYear,
  classId,
  lines,
  rooms,
  onClose,
}: {
  slot: Slot;
  year: { startsOn: string; endsOn: string } | null;
  schoolYear: number;
  classId: number;
  lines: { groupId: number | null; groupName: string; subjectCode: string; staffId: number; staffName: string }[];
  rooms: { id: number; name: string }[];
  onClose: (conflicts: Conflict[] | null) => void;
}) {
  const { lang, t } = useI18n();
  const e = slot.entry;
  const key = (l: { groupId: number | null; subjectCode: string; staffId: number }) => `${l.groupId ?? 0}:${l.subjectCode}:${l.staffId}`;
  const [line, setLine] = useState(e ? key({ groupId: e.groupId, subjectCode: e.subjectCode, staffId: e.staff.id }) : key(lines[0] ?? { groupId: null, subjectCode: '', staffId: 0 }));
  const [roomId, setRoomId] = useState(e?.roomId ? String(e.roomId) : '');
  const [from, setFrom] = useState(e?.validFrom ?? year?.startsOn ?? '');
  const [to, setTo] = useState(e?.validTo ?? year?.endsOn ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const options: [string, string][] = lines.map((l) => [key(l), `${subjectName(lang, l.subjectCode)}${l.groupName ? ' · ' + l.groupName : ''} — ${l.staffName}`]);
  if (e && !options.some(([k]) => k === line)) options.unshift([line, `${subjectName(lang, e.subjectCode)} — ${e.staff.name}`]);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    const [g, subjectCode, staffId] = line.split(':');
    if (!subjectCode || !staffId) {
      setError(t('tt.e.line'));
      return;
    }
    const input: EntryInput = {
      year: schoolYear,
      classId,
      groupId: g && g !== '0' ? Number(g) : null,
      subjectCode,
      staffId: Number(staffId),
      roomId: roomId ? Number(roomId) : null,
      weekday: slot.weekday,
      lessonNumber: slot.lessonNumber,
      validFrom: from,
      validTo: to,
    };
    setBusy(true);
    setError('');
    try {
      const conflicts = e ? await updateEntry(e.id, input) : (await createEntry(input)).conflicts;
      onClose(conflicts);
    } catch (err) {
      setError(errorMessage(lang, err) + (err instanceof Error && /:/.test(err.message) ? ` (${err.message})` : ''));
      setBusy(false);
    }
  };
  const remove = async () => {
    if (!e) return;
    setBusy(true);
    try {
      await deleteEntry(e.id);
      onClose([]);
    } catch (err) {
      setError(errorMessage(lang, err));
      setBusy(false);
    }
  };
  return (
    <div class="modal-back">
      <form class="modal card" role="dialog" aria-modal="true" aria-labelledby="tt-entry-title" onSubmit={submit} data-testid="tt-entry-form"
        onKeyDown={(k) => k.key === 'Escape' && onClose(null)}>
        <h2 id="tt-entry-title" class="card-title">
          {t(('tt.wd.' + slot.weekday) as MessageKey)}, {slot.lessonNumber} {t('jr.lessonShort')}
        </h2>
        {error ? <FormAlert testId="tt-entry-error">{error}</FormAlert> : null}
        <Field id="tt-line" label={t('tt.line')} value={line} onInput={setLine} options={options} />
        <Field id="tt-room" label={t('tt.room')} value={roomId} onInput={setRoomId} options={[['', '—'] as [string, string]].concat(rooms.map((r) => [String(r.id), r.name] as [string, string]))} />
        <div class="form-grid">
          <Field id="tt-from" label={t('tt.from')} type="date" value={from} onInput={setFrom} />
          <Field id="tt-to" label={t('tt.to')} type="date" value={to} onInput={setTo} />
        </div>
        <div class="filter-actions">
          <button type="submit" class="btn btn-primary" disabled={busy} data-testid="tt-entry-save">
            {busy ? t('mv.saving') : t('card.save')}
          </button>
          {e ? (
            <button type="button" class="btn btn-danger" disabled={busy} onClick={remove} data-testid="tt-entry-delete">
              {t('tt.delete')}
            </button>
          ) : null}
          <button type="button" class="btn btn-secondary" onClick={() => onClose(null)}>
            {t('card.cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}
