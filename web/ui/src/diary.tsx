// The diary (/diary) for students and parents: one week (Monday–Saturday),
// each day's lessons with the topic, homework (and its files), marks and
// absences; previous/next week; a parent with several children switches
// between them. Light on purpose: a parent may open it on an old 360-px phone.
import { useEffect, useState } from 'preact/hooks';
import { latest } from './load';
import { formatDate } from './fields';
import { useI18n, type Lang } from './i18n';
import { attCode, attLabel } from './journal-store';
import { addDays, attachmentUrl, getDiary, isoDate, mondayOf, type Diary, type DiaryLesson } from './lessons-api';
import { PageTitle } from './pages';
import { ErrorBox } from './registry';
import { subjectName } from './subjects';

// Kept while the app runs: back on the diary, the same child and week.
let lastStudent: number | null = null;
let lastWeek: string | null = null;

export function weekdayName(lang: Lang, iso: string, style: 'long' | 'short' = 'long'): string {
  const [y, m, d] = iso.split('-').map(Number);
  const s = new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1).toLocaleDateString(lang === 'ru' ? 'ru-RU' : 'en-GB', { weekday: style });
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function dayMonth(lang: Lang, iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1).toLocaleDateString(lang === 'ru' ? 'ru-RU' : 'en-GB', { day: 'numeric', month: 'long' });
}

function fileSize(lang: Lang, n: number): string {
  const kb = n / 1024;
  const s = kb < 1024 ? `${Math.max(1, Math.round(kb))} ${lang === 'ru' ? 'КБ' : 'KB'}` : `${(kb / 1024).toFixed(1)} ${lang === 'ru' ? 'МБ' : 'MB'}`;
  return lang === 'ru' ? s.replace('.', ',') : s;
}

/** The week of one's own diary: the student themselves, or a parent's first child (the server picks). */
export function ownDiary(week: string): Promise<Diary> {
  return getDiary(null, week);
}

export function DiaryPage() {
  const { lang, t } = useI18n();
  const [week, setWeek] = useState(lastWeek ?? mondayOf(isoDate(new Date())));
  const [student, setStudent] = useState<number | null>(lastStudent);
  const [data, setData] = useState<Diary | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);

  const load = () => {
    setLoading(true);
    setError(null);
    return latest(
      student === null ? ownDiary(week) : getDiary(student, week),
      (d) => {
        setData(d);
        setLoading(false);
        lastWeek = week;
        lastStudent = d.student.id;
      },
      (e) => {
        setError(e);
        setLoading(false);
      },
    );
  };
  useEffect(load, [week, student]);

  const today = isoDate(new Date());
  const sat = addDays(week, 5);
  const range = `${dayMonth(lang, week)} — ${dayMonth(lang, sat)} ${sat.slice(0, 4)}`;
  return (
    <div class="diary-page">
      <PageTitle text={t('nav.diary')} />
      {data && data.children.length > 1 ? (
        <div class="tabs di-children" role="group" aria-label={t('di.children')} data-testid="di-children">
          {data.children.map((c) => (
            <button
              key={c.id}
              type="button"
              class="tab"
              aria-pressed={c.id === data.student.id}
              onClick={() => setStudent(c.id)}
              data-testid={'di-child-' + c.id}
            >
              {c.name.split(' ').slice(0, 2).join(' ')}
              {c.className ? `, ${c.className}` : ''}
            </button>
          ))}
        </div>
      ) : null}
      {data ? (
        <p class="di-student" data-testid="di-student">
          {data.student.name}
          {data.student.className ? `, ${data.student.className}` : ''}
        </p>
      ) : null}
      <div class="di-weeknav">
        <button type="button" class="btn btn-secondary" onClick={() => setWeek(addDays(week, -7))} data-testid="di-prev">
          <span aria-hidden="true">‹</span> <span class="di-navtext">{t('di.prev')}</span>
        </button>
        <h2 class="di-range" aria-live="polite" data-testid="di-week">
          {range}
        </h2>
        <button type="button" class="btn btn-secondary" onClick={() => setWeek(addDays(week, 7))} data-testid="di-next">
          <span class="di-navtext">{t('di.next')}</span> <span aria-hidden="true">›</span>
        </button>
        {mondayOf(today) !== week ? (
          <button type="button" class="btn btn-secondary" onClick={() => setWeek(mondayOf(today))} data-testid="di-today">
            {t('di.thisWeek')}
          </button>
        ) : null}
      </div>
      {error ? <ErrorBox error={error} onRetry={load} testId="di-error" /> : null}
      {loading && !data ? <p class="status-line" role="status">{t('app.loading')}</p> : null}
      {data ? (
        <div class="di-days" aria-busy={loading}>
          {Array.from({ length: 6 }, (_, i) => addDays(week, i)).map((date) => {
            const day = data.days.find((d) => d.date === date);
            return <DiaryDay key={date} date={date} lessons={day?.lessons ?? []} today={date === today} />;
          })}
        </div>
      ) : null}
    </div>
  );
}

function DiaryDay({ date, lessons, today }: { date: string; lessons: DiaryLesson[]; today: boolean }) {
  const { lang, t } = useI18n();
  const id = 'di-day-' + date;
  return (
    <section class={today ? 'card di-day today' : 'card di-day'} aria-labelledby={id} data-testid="di-day" data-date={date}>
      <h3 id={id} class="di-dayname">
        {weekdayName(lang, date)}, <span class="muted">{formatDate(lang, date)}</span>
        {today ? <span class="badge badge-ok">{t('di.today')}</span> : null}
      </h3>
      {lessons.length === 0 ? (
        <p class="muted">{t('di.noLessons')}</p>
      ) : (
        <ol class="di-lessons">
          {lessons.map((l) => (
            <DiaryLine key={l.lessonId} l={l} />
          ))}
        </ol>
      )}
    </section>
  );
}

function DiaryLine({ l }: { l: DiaryLesson }) {
  const { lang, t } = useI18n();
  const cancelled = l.status === 'cancelled';
  return (
    <li class={cancelled ? 'di-lesson cancelled' : 'di-lesson'} data-testid="di-lesson" data-lesson={l.lessonId}>
      <div class="di-head">
        <span class="di-no">{l.number}</span>
        <span class="di-subject">{subjectName(lang, l.subjectCode)}</span>
        <span class="di-time muted">
          {l.startsAt}–{l.endsAt}
        </span>
        <span class="di-marks">
          {l.attendance ? (
            <span class="di-att" title={attLabel(t, l.attendance)} data-testid="di-att">
              {attCode(l.attendance)}
              <span class="sr-only"> — {attLabel(t, l.attendance)}</span>
            </span>
          ) : null}
          {l.marks.map((m, i) => (
            <span key={i} class="di-mark" title={m.comment || m.kind} data-testid="di-mark">
              <span class="sr-only">{t('di.mark')}: </span>
              {m.value}
            </span>
          ))}
        </span>
      </div>
      {cancelled ? <p class="di-note">{t('di.cancelled')}</p> : null}
      {l.topic ? (
        <p class="di-topic">
          <span class="muted">{t('di.topic')}:</span> {l.topic}
        </p>
      ) : null}
      {l.homework || l.attachments.length ? (
        <div class="di-hw" data-testid="di-homework">
          <span class="muted">{t('di.homework')}:</span> {l.homework}
          {l.homeworkDue ? <span class="muted"> ({t('di.due')} {formatDate(lang, l.homeworkDue)})</span> : null}
          {l.attachments.length ? (
            <ul class="di-files">
              {l.attachments.map((a) => (
                <li key={a.id}>
                  <a href={attachmentUrl(a.id)} download={a.fileName} data-testid="di-file">
                    {a.fileName}
                  </a>{' '}
                  <span class="muted">({fileSize(lang, a.size)})</span>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {l.teacher ? <p class="di-teacher muted">{l.teacher.name}</p> : null}
    </li>
  );
}
