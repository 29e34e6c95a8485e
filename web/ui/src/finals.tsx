// Final marks under the journal grid, and the coordinator's period locks (/periods).
//
// Final marks: for the grid's class/group and subject, a period (the grid's
// periods; 0 = the year) and per student the weighted average, the suggested
// mark and the confirmed one (GET /finals). The teacher takes the suggestions
// (all with one button, or one row) or types a value, and saves them with one
// PUT /finals carrying the value seen per row ("was"); a 409 re-reads the
// finals and offers theirs or yours per student (the grid's dialog). A locked
// period is read-only, with a note.
//
// Period locks: per period scheme of the year's calendar, its periods with
// lock / reopen (reopening asks for a reason, kept in the audit log).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, getCalendar, type SchoolCalendar } from './api';
import { latest } from './load';
import { useYear, YearPicker } from './academic';
import { errorMessage } from './errors';
import { formatDate } from './fields';
import { Field } from './forms';
import { useI18n, type MessageKey } from './i18n';
import { ChoiceDialog, type ChoiceItem } from './journal';
import { getFinals, getLocks, lockPeriod, putFinals, reopenPeriod, type Finals, type PeriodLock } from './lessons-api';
import { PageTitle } from './pages';
import { ErrorBox } from './registry';

interface Period {
  number: number;
  startsOn: string;
  endsOn: string;
  locked: boolean;
}

interface FinalsProps {
  classId: number;
  groupId: number | null;
  subjectCode: string;
  periods: Period[];
  scale: string[];
  canEdit: boolean;
  month: string;
  onSaved: () => void;
}

interface Pending {
  marks: { studentId: number; value: string; was: string | null }[];
  items: ChoiceItem[];
  /** Index into marks of each conflicting item. */
  at: number[];
}

const num = (lang: string, x: number | null | undefined) =>
  x === null || x === undefined ? '—' : lang === 'ru' ? x.toFixed(2).replace('.', ',') : x.toFixed(2);

/** The period the month starts in, else the first. */
function periodOfMonth(periods: Period[], month: string): number {
  const day = month + '-15';
  return periods.find((p) => p.startsOn <= day && day <= p.endsOn)?.number ?? periods[0]?.number ?? 0;
}

export function FinalsPanel({ classId, groupId, subjectCode, periods, scale, canEdit, month, onSaved }: FinalsProps) {
  const { lang, t } = useI18n();
  const [period, setPeriod] = useState(() => periodOfMonth(periods, month));
  const [data, setData] = useState<Finals | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [draft, setDraft] = useState<Record<number, string>>({});
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<Pending | null>(null);

  // The year is locked when all its periods are (as the server decides).
  const locked = period === 0 ? periods.length > 0 && periods.every((p) => p.locked) : !!periods.find((p) => p.number === period)?.locked;
  const editable = canEdit && !locked;

  const load = () => {
    setError(null);
    return latest(
      getFinals(classId, groupId, subjectCode, period),
      (f) => {
        setData(f);
        setDraft({});
      },
      setError,
    );
  };
  useEffect(load, [classId, groupId, subjectCode, period]);

  const rows = data?.rows ?? [];
  const changes = useMemo(
    () =>
      rows
        .filter((r) => draft[r.studentId] !== undefined && draft[r.studentId] !== '' && draft[r.studentId] !== (r.value ?? ''))
        .map((r) => ({ studentId: r.studentId, value: (draft[r.studentId] ?? '').trim(), was: r.value })),
    [rows, draft],
  );
  const bad = changes.filter((c) => !scale.includes(c.value));

  const acceptAll = () => {
    const d = { ...draft };
    for (const r of rows) if (r.suggested && !r.value) d[r.studentId] = r.suggested;
    setDraft(d);
    setStatus(t('fn.accepted'));
  };

  const send = async (marks: Pending['marks']) => {
    setBusy(true);
    setProblem('');
    setStatus(t('jr.saving'));
    try {
      await putFinals(classId, groupId, subjectCode, period, marks);
      setStatus(t('fn.saved').replace('{n}', String(marks.length)));
      load();
      onSaved();
    } catch (e) {
      setStatus('');
      if (e instanceof ApiError && e.status === 409) {
        // Whose values changed: read them again and compare with what was seen.
        const fresh = await getFinals(classId, groupId, subjectCode, period).catch(() => null);
        if (!fresh) {
          setProblem(errorMessage(lang, e));
          return;
        }
        const now = new Map(fresh.rows.map((r) => [r.studentId, r]));
        const next = marks.map((m) => ({ ...m, was: now.get(m.studentId)?.value ?? null }));
        const items: ChoiceItem[] = [];
        const at: number[] = [];
        marks.forEach((m, i) => {
          const theirs = now.get(m.studentId);
          if (theirs && theirs.value !== m.was && theirs.value !== m.value) {
            items.push({ label: theirs.name, theirs: theirs.value ?? t('jr.noMark'), yours: m.value, by: theirs.confirmedBy ?? undefined });
            at.push(i);
          }
        });
        setData(fresh);
        setPending({ marks: next, items, at });
      } else if (e instanceof ApiError && e.status === 422) setProblem(t('fn.locked'));
      else if (e instanceof ApiError && /^marks\[\d+\]\.value/.test(e.message)) setProblem(t('jr.e.value'));
      else setProblem(errorMessage(lang, e));
    } finally {
      setBusy(false);
    }
  };

  const save = () => {
    if (bad.length) {
      setProblem(t('fn.badValue').replace('{v}', bad.map((b) => b.value).join(', ')));
      return;
    }
    if (!changes.length) {
      setStatus(t('jr.nothingToSave'));
      return;
    }
    void send(changes);
  };

  const resolve = (mine: boolean[] | null) => {
    const p = pending;
    setPending(null);
    if (!p || mine === null) return;
    const drop = new Set(p.at.filter((_, k) => !mine[k]));
    const marks = p.marks.filter((_, i) => !drop.has(i));
    // Theirs kept: forget the draft of those rows.
    setDraft((d) => {
      const x = { ...d };
      for (const i of drop) delete x[p.marks[i]?.studentId ?? 0];
      return x;
    });
    if (marks.length) void send(marks);
  };

  const periodLabel = (n: number) => (n === 0 ? t('fn.yearPeriod') : t('fn.period').replace('{n}', String(n)));

  return (
    <section class="card block jr-finals" aria-labelledby="fn-title" data-testid="fn-panel">
      <h2 id="fn-title" class="card-title">
        {t('fn.title')}
      </h2>
      <div class="toolbar">
        <Field
          id="fn-period"
          label={t('fn.periodPick')}
          value={String(period)}
          onInput={(v) => setPeriod(Number(v))}
          options={[...periods.map((p) => [String(p.number), `${periodLabel(p.number)}${p.locked ? ' — ' + t('jr.locked') : ''}`] as [string, string]), ['0', periodLabel(0)]]}
        />
      </div>
      {locked ? (
        <p class="alert alert-warn" role="note" data-testid="fn-locked">
          {t('fn.lockedNote')}
        </p>
      ) : null}
      {error ? <ErrorBox error={error} onRetry={load} testId="fn-error" /> : null}
      {data ? (
        <>
          <table class="table stack fn-table" data-testid="fn-table">
            <caption class="sr-only">
              {t('fn.title')}, {periodLabel(period)}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('jr.student')}</th>
                <th scope="col">{t('jr.average')}</th>
                <th scope="col">{t('fn.suggested')}</th>
                <th scope="col">{t('fn.value')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.studentId} data-testid="fn-row" data-student={r.studentId}>
                  <th scope="row">{r.name}</th>
                  <td data-label={t('jr.average')} class="num" data-testid="fn-average">
                    {num(lang, r.average)}
                  </td>
                  <td data-label={t('fn.suggested')} data-testid="fn-suggested">
                    {r.suggested ?? '—'}
                    {editable && r.suggested ? (
                      <button
                        type="button"
                        class="btn btn-secondary btn-small"
                        onClick={() => setDraft((d) => ({ ...d, [r.studentId]: r.suggested ?? '' }))}
                        aria-label={t('fn.acceptOne').replace('{name}', r.name)}
                        data-testid={'fn-accept-' + r.studentId}
                      >
                        {t('fn.accept')}
                      </button>
                    ) : null}
                  </td>
                  <td data-label={t('fn.value')} data-testid="fn-value">
                    {editable ? (
                      <input
                        type="text"
                        class="fn-input"
                        autocomplete="off"
                        value={draft[r.studentId] ?? r.value ?? ''}
                        onInput={(e) => setDraft((d) => ({ ...d, [r.studentId]: e.currentTarget.value }))}
                        aria-label={t('fn.valueOf').replace('{name}', r.name)}
                        data-testid={'fn-in-' + r.studentId}
                      />
                    ) : (
                      <strong>{r.value ?? '—'}</strong>
                    )}
                    {r.value && r.confirmedBy ? <span class="muted"> ({r.confirmedBy})</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {editable ? (
            <div class="filter-actions">
              <button type="button" class="btn btn-secondary" onClick={acceptAll} disabled={busy} data-testid="fn-accept-all">
                {t('fn.acceptAll')}
              </button>
              <button type="button" class="btn btn-primary" onClick={save} disabled={busy} data-testid="fn-save">
                {busy ? t('jr.saving') : t('fn.save')}
              </button>
            </div>
          ) : null}
          <p role="status" class="status-line" data-testid="fn-status">
            {status}
          </p>
          {problem ? (
            <div class="alert alert-error" role="alert" data-testid="fn-error">
              {problem}
            </div>
          ) : null}
          {data.rounding ? (
            <p class="note" data-testid="fn-rounding">
              {t('fn.rounding')}: {t('fn.roundingRule')}
            </p>
          ) : null}
        </>
      ) : !error ? (
        <p class="status-line" role="status">
          {t('app.loading')}
        </p>
      ) : null}
      {pending ? <ChoiceDialog where={periodLabel(period)} items={pending.items} keepMine={pending.items.map(() => true)} onDone={resolve} /> : null}
    </section>
  );
}

// ---------------------------------------------------------------- period locks

const SCHEME_KEY: Record<string, MessageKey> = {
  quarter: 'pl.scheme.quarter',
  trimester: 'pl.scheme.trimester',
  half_year: 'pl.scheme.half_year',
  semester: 'pl.scheme.semester',
};

export function PeriodLocksPage() {
  const { lang, t } = useI18n();
  const y = useYear();
  const [cal, setCal] = useState<SchoolCalendar | null>(null);
  const [locks, setLocks] = useState<PeriodLock[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [reopening, setReopening] = useState('');
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState('');
  const [notice, setNotice] = useState('');
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);

  const load = () => {
    if (y.year === null) return;
    setError(null);
    Promise.all([getCalendar(y.year), getLocks(y.year)]).then(([c, l]) => {
      setCal(c);
      setLocks(l);
    }, setError);
  };
  useEffect(load, [y.year]);

  const schemes = useMemo(() => {
    if (!cal) return [];
    const names = [...new Set([...(cal.schemes ?? []).map((s) => s.scheme), ...(cal.periods ?? []).map((p) => p.scheme)])];
    return names.map((scheme) => ({
      scheme,
      grades: (cal.schemes ?? []).filter((s) => s.scheme === scheme).map((s) => s.grade).sort((a, b) => a - b),
      periods: (cal.periods ?? []).filter((p) => p.scheme === scheme).sort((a, b) => a.number - b.number),
    }));
  }, [cal]);

  const act = async (scheme: string, number: number, lock: boolean) => {
    if (y.year === null) return;
    if (!lock && !reason.trim()) {
      setReasonError(t('pl.reasonRequired'));
      document.getElementById('pl-reason')?.focus();
      return;
    }
    setBusy(true);
    setProblem('');
    setNotice('');
    try {
      if (lock) await lockPeriod(y.year, scheme, number);
      else await reopenPeriod(y.year, scheme, number, reason.trim());
      setNotice((lock ? t('pl.lockedDone') : t('pl.reopenedDone')).replace('{n}', String(number)));
      setReopening('');
      setReason('');
      setReasonError('');
      setLocks(await getLocks(y.year));
    } catch (e) {
      if (!lock && e instanceof ApiError && /^reason:/.test(e.message)) setReasonError(t('pl.reasonRequired'));
      else setProblem(errorMessage(lang, e));
    } finally {
      setBusy(false);
    }
  };

  const gradesText = (gs: number[]) => (gs.length ? t('pl.grades').replace('{g}', gs.join(', ')) : '');

  return (
    <>
      <PageTitle text={t('nav.periods')} />
      {y.years && y.years.length > 1 ? <YearPicker years={y.years} year={y.year} onChange={y.setYear} /> : null}
      {y.error ? <ErrorBox error={y.error} onRetry={y.reload} testId="pl-error" /> : null}
      {error ? <ErrorBox error={error} onRetry={load} testId="pl-error" /> : null}
      <p class="note">{t('pl.intro')}</p>
      {notice ? (
        <p class="alert alert-ok" role="status" data-testid="pl-notice">
          {notice}
        </p>
      ) : null}
      {problem ? (
        <div class="alert alert-error" role="alert" data-testid="pl-problem">
          {problem}
        </div>
      ) : null}
      {cal && schemes.length === 0 ? (
        <div class="card empty" data-testid="pl-empty">
          {t('pl.empty')}
        </div>
      ) : null}
      {!cal && !error ? (
        <p class="status-line" role="status">
          {t('app.loading')}
        </p>
      ) : null}
      {schemes.map((s) => (
        <section key={s.scheme} class="card block" aria-labelledby={'pl-h-' + s.scheme} data-testid={'pl-scheme-' + s.scheme} data-grades={s.grades.join(',')}>
          <h2 id={'pl-h-' + s.scheme} class="card-title">
            {SCHEME_KEY[s.scheme] ? t(SCHEME_KEY[s.scheme] as MessageKey) : s.scheme}
            {s.grades.length ? <span class="muted"> — {gradesText(s.grades)}</span> : null}
          </h2>
          <table class="table stack">
            <caption class="sr-only">{SCHEME_KEY[s.scheme] ? t(SCHEME_KEY[s.scheme] as MessageKey) : s.scheme}</caption>
            <thead>
              <tr>
                <th scope="col">{t('pl.period')}</th>
                <th scope="col">{t('pl.dates')}</th>
                <th scope="col">{t('pl.state')}</th>
                <th scope="col">
                  <span class="sr-only">{t('pl.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {s.periods.map((p) => {
                const lock = locks.find((l) => l.scheme === s.scheme && l.number === p.number);
                const key = `${s.scheme}:${p.number}`;
                return (
                  <tr key={key} data-testid="pl-row" data-scheme={s.scheme} data-number={p.number} data-starts={p.startsOn} data-ends={p.endsOn}>
                    <th scope="row">{p.number}</th>
                    <td data-label={t('pl.dates')}>
                      {formatDate(lang, p.startsOn)} — {formatDate(lang, p.endsOn)}
                    </td>
                    <td data-label={t('pl.state')} data-testid="pl-state">
                      {lock ? (
                        <span class="badge badge-warn">
                          {t('pl.lockedBy').replace('{by}', lock.lockedBy).replace('{at}', lock.lockedAt.replace('T', ' ').slice(0, 16))}
                        </span>
                      ) : (
                        <span class="badge badge-ok">{t('pl.open')}</span>
                      )}
                    </td>
                    <td>
                      {lock ? (
                        reopening === key ? (
                          <div class="pl-reopen" data-testid="pl-reopen-form">
                            <Field
                              id="pl-reason"
                              label={t('pl.reason')}
                              value={reason}
                              onInput={(v) => {
                                setReason(v);
                                setReasonError('');
                              }}
                              maxLength={500}
                              required
                              hint={t('pl.audit')}
                              error={reasonError || undefined}
                            />
                            <div class="filter-actions">
                              <button type="button" class="btn btn-primary" disabled={busy} onClick={() => void act(s.scheme, p.number, false)} data-testid="pl-reopen-confirm">
                                {t('pl.reopen')}
                              </button>
                              <button type="button" class="btn btn-secondary" onClick={() => setReopening('')} data-testid="pl-reopen-cancel">
                                {t('pl.cancel')}
                              </button>
                            </div>
                          </div>
                        ) : (
                          <button
                            type="button"
                            class="btn btn-secondary"
                            disabled={busy}
                            onClick={() => {
                              setReopening(key);
                              setReason('');
                              setReasonError('');
                              setTimeout(() => document.getElementById('pl-reason')?.focus(), 0);
                            }}
                            aria-label={t('pl.reopenN').replace('{n}', String(p.number))}
                            data-testid="pl-reopen"
                          >
                            {t('pl.reopen')}
                          </button>
                        )
                      ) : (
                        <button
                          type="button"
                          class="btn btn-primary"
                          disabled={busy}
                          onClick={() => void act(s.scheme, p.number, true)}
                          aria-label={t('pl.lockN').replace('{n}', String(p.number))}
                          data-testid="pl-lock"
                        >
                          {t('pl.lock')}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      ))}
    </>
  );
}
