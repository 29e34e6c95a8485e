// The lesson plan (КТП) editor (/plans): for a class or group and subject of
// the teacher's load, an ordered list of topics with hours; add, remove and
// move with buttons (keyboard-usable), paste many topics at once (one a line;
// a trailing number after a tab or ";" is the hours); saved with one
// PUT /plans. The journal grid's topic picker reads these topics.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, getLoad } from './api';
import { latest } from './load';
import { useYear, YearPicker } from './academic';
import { errorMessage } from './errors';
import { Field } from './forms';
import { useI18n } from './i18n';
import { loadChoices, type LoadChoice } from './journal';
import { getPlan, putPlan } from './lessons-api';
import { PageTitle } from './pages';
import { ErrorBox } from './registry';
import { subjectName } from './subjects';

interface Row {
  key: number;
  title: string;
  hours: string;
}

let nextKey = 1;
const row = (title: string, hours: number | string): Row => ({ key: nextKey++, title, hours: String(hours) });

/** Pasted lines as topics: "Title", "Title<TAB>2" or "Title; 2"; empty lines skipped. */
export function parseTopicLines(text: string): { title: string; hours: number }[] {
  const out: { title: string; hours: number }[] = [];
  for (const raw of text.replace(/\r/g, '').split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^(.*?)[\t;]\s*(\d{1,2})\s*$/.exec(line);
    const title = (m ? m[1] ?? '' : line).replace(/^\d+[.)]\s+/, '').trim();
    if (title) out.push({ title, hours: m ? Number(m[2]) : 1 });
  }
  return out;
}

export function PlansPage() {
  const { lang, t } = useI18n();
  const y = useYear();
  const [choices, setChoices] = useState<LoadChoice[] | null>(null);
  const [choice, setChoice] = useState('');
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [paste, setPaste] = useState('');
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState('');
  const [rowError, setRowError] = useState<{ i: number; text: string } | null>(null);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (y.year === null) return;
    setChoices(null);
    return latest(
      getLoad(y.year),
      (teachers) => {
        const c = loadChoices(teachers);
        setChoices(c);
        setChoice((k) => (c.some((x) => x.key === k) ? k : c[0]?.key ?? ''));
      },
      setError,
    );
  }, [y.year]);

  const picked = choices?.find((c) => c.key === choice);
  const loadPlan = () => {
    if (!picked) return;
    setRows(null);
    setError(null);
    setStatus('');
    setProblem('');
    setDirty(false);
    // The default choice's plan, asked first, may answer after the picked one's.
    return latest(getPlan(picked.classId, picked.groupId, picked.subjectCode), (ts) => setRows(ts.map((x) => row(x.title, x.hours))), setError);
  };
  useEffect(loadPlan, [picked?.key]);

  const change = (f: (rs: Row[]) => Row[]) => {
    setRows((rs) => f(rs ?? []));
    setDirty(true);
    setStatus('');
  };
  const move = (i: number, d: number) => {
    change((rs) => {
      const x = [...rs];
      const j = i + d;
      if (j < 0 || j >= x.length) return rs;
      [x[i], x[j]] = [x[j] as Row, x[i] as Row];
      return x;
    });
    // The focus follows the moved topic's button.
    setTimeout(() => {
      const same = document.getElementById(`kp-${d < 0 ? 'up' : 'down'}-${i + d}`) as HTMLButtonElement | null;
      (same && !same.disabled ? same : document.getElementById(`kp-${d < 0 ? 'down' : 'up'}-${i + d}`))?.focus();
    }, 0);
  };

  const addLines = () => {
    const topics = parseTopicLines(paste);
    if (!topics.length) return;
    change((rs) => [...rs, ...topics.map((x) => row(x.title, x.hours))]);
    setPaste('');
    setStatus(t('kp.added').replace('{n}', String(topics.length)));
  };

  const save = async () => {
    if (!picked || !rows) return;
    setRowError(null);
    setProblem('');
    const topics = rows.map((r) => ({ title: r.title.trim(), hours: Number(r.hours) }));
    const badAt = topics.findIndex((x) => !x.title || !Number.isInteger(x.hours) || x.hours < 0 || x.hours > 99);
    if (badAt >= 0) {
      setRowError({ i: badAt, text: topics[badAt]?.title ? t('kp.badHours') : t('kp.noTitle') });
      document.getElementById(topics[badAt]?.title ? `kp-hours-${badAt}` : `kp-title-${badAt}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const saved = await putPlan(picked.classId, picked.groupId, picked.subjectCode, topics);
      setRows(saved.map((x) => row(x.title, x.hours)));
      setDirty(false);
      setStatus(t('kp.saved').replace('{n}', String(saved.length)));
    } catch (e) {
      const m = e instanceof ApiError ? /^topics\[(\d+)\]\.(\w+)/.exec(e.message) : null;
      if (m) setRowError({ i: Number(m[1]), text: m[2] === 'hours' ? t('kp.badHours') : t('kp.noTitle') });
      else setProblem(errorMessage(lang, e));
    } finally {
      setBusy(false);
    }
  };

  const label = (c: LoadChoice) => `${c.className}${c.groupName ? ' · ' + c.groupName : ''} — ${subjectName(lang, c.subjectCode)}`;
  const total = (rows ?? []).reduce((s, r) => s + (Number(r.hours) || 0), 0);

  return (
    <>
      <PageTitle text={t('nav.plans')} />
      {y.years && y.years.length > 1 ? <YearPicker years={y.years} year={y.year} onChange={y.setYear} /> : null}
      {y.error ? <ErrorBox error={y.error} onRetry={y.reload} testId="kp-error" /> : null}
      {choices && choices.length > 0 ? (
        <div class="toolbar">
          <Field
            id="kp-class"
            label={t('jr.classSubject')}
            value={choice}
            onInput={(v) => {
              if (dirty && !window.confirm(t('jr.leave'))) return;
              setChoice(v);
            }}
            options={choices.map((c) => [c.key, label(c)] as [string, string])}
          />
        </div>
      ) : null}
      {choices && choices.length === 0 ? (
        <div class="card empty" data-testid="kp-no-load">
          {t('jr.noLoad')}
        </div>
      ) : null}
      {error ? <ErrorBox error={error} onRetry={loadPlan} testId="kp-error" /> : null}
      {picked && rows ? (
        <section class="card block" aria-labelledby="kp-title" data-testid="kp-editor">
          <h2 id="kp-title" class="card-title">
            {label(picked)} — {t('kp.total').replace('{n}', String(rows.length)).replace('{h}', String(total))}
          </h2>
          {rows.length === 0 ? (
            <p class="note" data-testid="kp-empty">
              {t('kp.empty')}
            </p>
          ) : (
            <ol class="kp-list" data-testid="kp-list">
              {rows.map((r, i) => (
                <li key={r.key} class="kp-row" data-testid="kp-row">
                  <span class="kp-no" aria-hidden="true">
                    {i + 1}.
                  </span>
                  <div class="field kp-topic">
                    <label for={`kp-title-${i}`} class="sr-only">
                      {t('kp.topicN').replace('{n}', String(i + 1))}
                    </label>
                    <input
                      id={`kp-title-${i}`}
                      type="text"
                      maxLength={500}
                      value={r.title}
                      aria-invalid={rowError?.i === i ? true : undefined}
                      aria-describedby={rowError?.i === i ? 'kp-row-error' : undefined}
                      onInput={(e) => {
                        const v = e.currentTarget.value;
                        change((rs) => rs.map((x) => (x.key === r.key ? { ...x, title: v } : x)));
                      }}
                      data-testid="kp-title"
                    />
                  </div>
                  <div class="field kp-hours">
                    <label for={`kp-hours-${i}`}>{t('kp.hours')}</label>
                    <input
                      id={`kp-hours-${i}`}
                      type="text"
                      inputMode="numeric"
                      maxLength={2}
                      value={r.hours}
                      onInput={(e) => {
                        const v = e.currentTarget.value;
                        change((rs) => rs.map((x) => (x.key === r.key ? { ...x, hours: v } : x)));
                      }}
                      data-testid="kp-hours"
                    />
                  </div>
                  <div class="kp-actions">
                    <button id={`kp-up-${i}`} type="button" class="btn btn-secondary btn-small" disabled={i === 0} onClick={() => move(i, -1)}
                      aria-label={t('kp.up').replace('{n}', String(i + 1))} data-testid="kp-up">
                      ↑
                    </button>
                    <button id={`kp-down-${i}`} type="button" class="btn btn-secondary btn-small" disabled={i === rows.length - 1} onClick={() => move(i, 1)}
                      aria-label={t('kp.down').replace('{n}', String(i + 1))} data-testid="kp-down">
                      ↓
                    </button>
                    <button type="button" class="btn btn-secondary btn-small" onClick={() => change((rs) => rs.filter((x) => x.key !== r.key))}
                      aria-label={t('kp.remove').replace('{n}', String(i + 1))} data-testid="kp-remove">
                      ✕
                    </button>
                  </div>
                </li>
              ))}
            </ol>
          )}
          {rowError ? (
            <p id="kp-row-error" class="field-error" role="alert" data-testid="kp-row-error">
              {t('kp.topicN').replace('{n}', String(rowError.i + 1))}: {rowError.text}
            </p>
          ) : null}
          <div class="filter-actions">
            <button
              type="button"
              class="btn btn-secondary"
              onClick={() => {
                change((rs) => [...rs, row('', 1)]);
                setTimeout(() => document.getElementById(`kp-title-${rows.length}`)?.focus(), 0);
              }}
              data-testid="kp-add"
            >
              {t('kp.add')}
            </button>
          </div>
          <div class="field field-wide">
            <label for="kp-paste">{t('kp.paste')}</label>
            <textarea id="kp-paste" rows={4} value={paste} onInput={(e) => setPaste(e.currentTarget.value)} aria-describedby="kp-paste-hint" data-testid="input-kp-paste" />
            <p id="kp-paste-hint" class="field-hint">
              {t('kp.pasteHint')}
            </p>
          </div>
          <div class="filter-actions">
            <button type="button" class="btn btn-secondary" onClick={addLines} disabled={!paste.trim()} data-testid="kp-add-lines">
              {t('kp.addLines')}
            </button>
            <button type="button" class="btn btn-primary" onClick={() => void save()} disabled={busy} data-testid="kp-save">
              {busy ? t('jr.saving') : t('kp.save')}
            </button>
            {dirty ? <span class="badge badge-warn">{t('kp.unsaved')}</span> : null}
          </div>
          <p role="status" class="status-line" data-testid="kp-status">
            {status}
          </p>
          {problem ? (
            <div class="alert alert-error" role="alert" data-testid="kp-problem">
              {problem}
            </div>
          ) : null}
        </section>
      ) : null}
      {!error && (!choices || (picked && !rows)) ? (
        <p class="status-line" role="status">
          {t('app.loading')}
        </p>
      ) : null}
    </>
  );
}
