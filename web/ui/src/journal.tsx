// The teacher's journal grid (/journal): a class or group and a subject from
// the teacher's own load (GET /load), a month; students × lessons, keyboard
// first. Marks and attendance are typed into the cells, kept per lesson until
// saved with one PUT /lessons/{id}/journal per lesson (each cell carries the
// value the teacher saw, "was"); a 409 lists the cells someone else changed
// and the teacher keeps theirs or their own, cell by cell.
//
// Speed: the cells read a small store (GridStore) and subscribe to their own
// key, so typing into one cell re-renders that cell only; the cell's input is
// uncontrolled (what is being typed never goes through Preact state).
import { Component } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, getLoad, type SchoolYear, type TeacherLoad } from './api';
import { latest } from './load';
import { useYear, YearPicker } from './academic';
import { errorMessage } from './errors';
import { Field } from './forms';
import { formatDate } from './fields';
import { translate, useI18n, type Lang, type MessageKey } from './i18n';
import { attCode, attLabel, cellKey, GridStore, parseEntry, toAtt, type LessonMeta } from './journal-store';
import {
  conflictDetails, getJournal, getPlan, monthRange, saveLessonJournal, uploadAttachment,
  type ConflictCell, type ConflictDetails, type PlanTopic,
} from './lessons-api';

import { FinalsPanel } from './finals';
import { PageTitle } from './pages';
import { ErrorBox } from './registry';
import { subjectName } from './subjects';

function useStoreVersion(store: GridStore): number {
  const [n, setN] = useState(0);
  useEffect(() => store.subscribe(() => setN((x) => x + 1)), [store]);
  return n;
}

// ---------------------------------------------------------------- the page

export interface LoadChoice {
  key: string;
  classId: number;
  className: string;
  groupId: number | null;
  groupName: string;
  subjectCode: string;
}

export function loadChoices(teachers: TeacherLoad[]): LoadChoice[] {
  const seen = new Map<string, LoadChoice>();
  for (const t of teachers)
    for (const l of t.lines) {
      const key = `${l.classId}:${l.groupId ?? 0}:${l.subjectCode}`;
      if (!seen.has(key))
        seen.set(key, { key, classId: l.classId, className: l.className, groupId: l.groupId, groupName: l.groupName, subjectCode: l.subjectCode });
    }
  return [...seen.values()].sort((a, b) =>
    a.className === b.className ? (a.subjectCode + a.groupName).localeCompare(b.subjectCode + b.groupName) : a.className.localeCompare(b.className, 'ru', { numeric: true }),
  );
}

function monthsOf(year: SchoolYear | undefined): string[] {
  if (!year) return [];
  const out: string[] = [];
  let [y, m] = year.startsOn.split('-').map(Number) as [number, number];
  const [ey, em] = year.endsOn.split('-').map(Number) as [number, number];
  while (y < ey || (y === ey && m <= em)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

export function monthName(lang: Lang, month: string): string {
  const [y, m] = month.split('-').map(Number);
  const s = new Date(y ?? 1970, (m ?? 1) - 1, 1).toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-GB', { month: 'long', year: 'numeric' });
  return s.charAt(0).toUpperCase() + s.slice(1).replace(/ г\.$/, '');
}

function thisMonth(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

// Whether the grid on the page has edits not saved yet.
let hasUnsaved: () => boolean = () => false;

// Kept while the app runs: coming back to the journal shows the same grid.
let lastChoice = '';
let lastMonth = '';

export function JournalPage() {
  const { lang, t } = useI18n();
  const y = useYear();
  const [choices, setChoices] = useState<LoadChoice[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [choice, setChoice] = useState(lastChoice);
  const [month, setMonth] = useState(lastMonth);
  const year = y.years?.find((x) => x.year === y.year);
  const months = useMemo(() => monthsOf(year), [year]);

  const loadLoad = () => {
    if (y.year === null) return;
    setError(null);
    setChoices(null);
    return latest(
      getLoad(y.year),
      (teachers) => {
        const c = loadChoices(teachers);
        setChoices(c);
        if (!c.some((x) => x.key === choice)) setChoice(c[0]?.key ?? '');
      },
      setError,
    );
  };
  useEffect(loadLoad, [y.year]);
  useEffect(() => {
    if (months.length && !months.includes(month)) setMonth(months.includes(thisMonth()) ? thisMonth() : months[0] ?? '');
  }, [months]);
  useEffect(() => {
    lastChoice = choice;
    lastMonth = month;
  }, [choice, month]);

  // Another class, month or year drops the grid: ask first when it has unsaved edits.
  const [, setTick] = useState(0);
  const guarded = (set: (v: string) => void) => (v: string) => {
    if (hasUnsaved() && !window.confirm(t('jr.leave'))) {
      setTick((x) => x + 1);
      return;
    }
    set(v);
  };

  const picked = choices?.find((c) => c.key === choice);
  const label = (c: LoadChoice) => `${c.className}${c.groupName ? ' · ' + c.groupName : ''} — ${subjectName(lang, c.subjectCode)}`;

  return (
    <div class="journal-page">
      <PageTitle text={t('nav.journal')} />
      {y.error ? <ErrorBox error={y.error} onRetry={y.reload} testId="jr-error" /> : null}
      <div class="toolbar jr-pickers no-print">
        {y.years && y.years.length > 1 ? (
          <YearPicker years={y.years} year={y.year} onChange={(v) => guarded((x) => y.setYear(Number(x)))(String(v))} />
        ) : null}
        {choices && choices.length > 0 ? (
          <Field
            id="jr-class"
            label={t('jr.classSubject')}
            value={choice}
            onInput={guarded(setChoice)}
            options={choices.map((c) => [c.key, label(c)] as [string, string])}
          />
        ) : null}
        {months.length > 0 ? (
          <Field
            id="jr-month"
            label={t('jr.month')}
            value={month}
            onInput={guarded(setMonth)}
            options={months.map((m) => [m, monthName(lang, m)] as [string, string])}
          />
        ) : null}
      </div>
      {error ? <ErrorBox error={error} onRetry={loadLoad} testId="jr-error" /> : null}
      {choices && choices.length === 0 ? (
        <div class="card empty" data-testid="jr-no-load">
          {t('jr.noLoad')}
        </div>
      ) : null}
      {!choices && !error ? <p class="status-line" role="status">{t('app.loading')}</p> : null}
      {picked && month ? (
        <JournalGrid
          key={picked.key + '/' + month}
          classId={picked.classId}
          groupId={picked.groupId}
          subjectCode={picked.subjectCode}
          month={month}
          caption={label(picked) + ', ' + monthName(lang, month)}
        />
      ) : null}
    </div>
  );
}

// ---------------------------------------------------------------- the grid

interface GridProps {
  classId: number;
  groupId: number | null;
  subjectCode: string;
  month: string;
  caption: string;
}

interface ConflictState {
  lessonId: number;
  details: ConflictDetails;
  keepMine: boolean[];
}

let autoSaveChoice = (() => {
  try {
    return localStorage.getItem('parta.journal.autosave') !== 'off';
  } catch {
    return true;
  }
})();

function JournalGrid({ classId, groupId, subjectCode, month, caption }: GridProps) {
  const { lang, t } = useI18n();
  const [store, setStore] = useState<GridStore | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [plan, setPlan] = useState<PlanTopic[]>([]);
  const [kind, setKind] = useState('');
  const [status, setStatus] = useState('');
  const [saveError, setSaveError] = useState('');
  const [conflict, setConflict] = useState<ConflictState | null>(null);
  const [autoSave, setAutoSave] = useState(autoSaveChoice);
  const kindRef = useRef('');
  kindRef.current = kind;
  const conflictOpen = useRef(false);
  conflictOpen.current = conflict !== null;
  useEffect(() => {
    hasUnsaved = () => !!store && store.pending.size > 0;
    return () => {
      hasUnsaved = () => false;
    };
  }, [store]);
  const query = useMemo(() => ({ classId, groupId, subjectCode, ...monthRange(month) }), [classId, groupId, subjectCode, month]);

  // Only the answer for the current class, subject and month lands: one
  // asked before a quick change may answer after it.
  const load = () => {
    setError(null);
    return latest(getJournal(query), (j) => {
      setStore((s) => {
        if (s) {
          s.load(j);
          return s;
        }
        return new GridStore(j);
      });
      // The everyday kind first (an oral answer, else the lightest kind), unless one was chosen.
      const everyday = j.kinds.find((x) => x.code === 'oral') ?? [...j.kinds].sort((a, b) => a.weight - b.weight)[0];
      setKind((k) => (k && j.kinds.some((x) => x.code === k) ? k : everyday?.code ?? ''));
    }, setError);
  };
  useEffect(load, [query]);
  useEffect(() => latest(getPlan(classId, groupId, subjectCode), setPlan, () => setPlan([])), [classId, groupId, subjectCode]);

  // ------------------------------------------------------------ saving
  const savingAll = useRef(false);

  const saveLesson = async (s: GridStore, lessonId: number): Promise<boolean> => {
    const req = s.request(lessonId);
    if (!req || s.saving.has(lessonId)) return true;
    s.saving.add(lessonId);
    s.changed();
    try {
      const version = await saveLessonJournal(lessonId, req.body);
      s.saved(lessonId, req.sent, req.body, version);
      return true;
    } catch (e) {
      const details = e instanceof ApiError && e.status === 409 ? conflictDetails(e.details) : null;
      if (details) {
        setConflict({ lessonId, details, keepMine: details.cells.map(() => true) });
      } else {
        setSaveError(saveProblem(t, lang, e, s, lessonId));
      }
      return false;
    } finally {
      s.saving.delete(lessonId);
      s.changed();
    }
  };

  const saveAll = async () => {
    const s = store;
    if (!s || savingAll.current) return;
    commitActive(s);
    const ids = s.dirtyLessons();
    if (ids.length === 0) {
      setStatus(t('jr.nothingToSave'));
      return;
    }
    savingAll.current = true;
    setSaveError('');
    setStatus(t('jr.saving'));
    let ok = 0;
    try {
      for (const id of ids) {
        if (!(await saveLesson(s, id))) break;
        ok++;
      }
    } finally {
      savingAll.current = false;
    }
    if (ok === ids.length) {
      setStatus(t('jr.saved').replace('{n}', String(ok)));
      refresh();
    } else setStatus('');
  };

  // Averages and suggested finals change with the marks: read them again.
  const refresh = () => {
    getJournal(query).then((j) => store?.load(j), () => undefined);
  };

  const saveOne = async (lessonId: number) => {
    const s = store;
    if (!s || !s.pending.has(lessonId)) return;
    setSaveError('');
    setStatus(t('jr.saving'));
    if (await saveLesson(s, lessonId)) {
      setStatus(t('jr.saved').replace('{n}', '1'));
      refresh();
    } else setStatus('');
  };

  // Ctrl+S saves every lesson with edits; leaving the page with edits asks first.
  useEffect(() => {
    if (!store) return;
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && (e.code === 'KeyS' || e.key === 's' || e.key === 'ы')) {
        e.preventDefault();
        if (!conflictOpen.current) void saveAll();
      }
    };
    const onUnload = (e: BeforeUnloadEvent) => {
      if (store.pending.size > 0) {
        e.preventDefault();
        e.returnValue = '';
      }
    };
    const onClick = (e: MouseEvent) => {
      const a = (e.target as Element | null)?.closest?.('a[href]');
      if (!a || store.pending.size === 0 || e.defaultPrevented) return;
      if (!window.confirm(t('jr.leave'))) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    document.addEventListener('keydown', onKey);
    window.addEventListener('beforeunload', onUnload);
    document.addEventListener('click', onClick, true);
    return () => {
      document.removeEventListener('keydown', onKey);
      window.removeEventListener('beforeunload', onUnload);
      document.removeEventListener('click', onClick, true);
    };
  }, [store, lang, query]);

  // Leaving a lesson's column saves it (when chosen).
  const onColumnLeft = (lessonId: number) => {
    if (autoSave && store?.pending.has(lessonId) && !savingAll.current && !conflictOpen.current) void saveOne(lessonId);
  };

  const resolveConflict = async (useMine: boolean[] | null) => {
    const c = conflict;
    const s = store;
    if (!c || !s) return;
    setConflict(null);
    if (useMine === null) return;
    s.resolve(
      c.lessonId,
      c.details.version,
      c.details.cells.map((cell, i) => ({
        studentId: cell.studentId,
        attendance: isAttCell(cell),
        kind: cell.kind ?? '',
        theirs: cell.theirs,
        keepMine: useMine[i] ?? true,
      })),
    );
    if (s.pending.has(c.lessonId)) await saveOne(c.lessonId);
    else {
      setStatus(t('jr.resolvedTheirs'));
      refresh();
    }
  };

  if (error) return <ErrorBox error={error} onRetry={load} testId="jr-error" />;
  if (!store) return <p class="status-line" role="status">{t('app.loading')}</p>;
  const j = store.j;

  return (
    <>
      <div class="toolbar jr-tools no-print">
        {j.kinds.length > 0 ? (
          <Field
            id="jr-kind"
            label={t('jr.kind')}
            value={kind}
            onInput={setKind}
            options={j.kinds.map((k) => [k.code, k.name] as [string, string])}
          />
        ) : null}
        <SaveBar store={store} onSave={saveAll} />
        <label class="check">
          <input
            type="checkbox"
            checked={autoSave}
            onChange={(e) => {
              const v = e.currentTarget.checked;
              autoSaveChoice = v;
              setAutoSave(v);
              try {
                localStorage.setItem('parta.journal.autosave', v ? 'on' : 'off');
              } catch {
                /* the choice lasts for this page */
              }
            }}
            data-testid="jr-autosave"
          />
          {t('jr.autosave')}
        </label>
      </div>

      {saveError ? (
        <div class="alert alert-error" role="alert" data-testid="jr-save-error">
          {saveError}
        </div>
      ) : null}
      {!j.canEdit ? <p class="note">{t('jr.readOnly')}</p> : null}
      {j.lessons.some((l) => l.locked) ? (
        <p class="alert alert-warn" role="note" data-testid="jr-locked">
          {t('jr.lockedNote').replace('{p}', lockedPeriods(j).join(', '))}
        </p>
      ) : null}
      {j.lessons.length === 0 ? (
        <div class="card empty" data-testid="jr-no-lessons">
          {t('jr.noLessons')}
        </div>
      ) : (
        <Grid store={store} kindRef={kindRef} caption={caption} onColumnLeft={onColumnLeft} onStatus={setStatus} status={status} />
      )}
      <details class="jr-legend no-print">
        <summary>{t('jr.keysTitle')}</summary>
        <p>{t('jr.keys')}</p>
        <p>
          {t('jr.scaleValues')}: {j.scale.values.map((v) => v.value).join(', ')}
        </p>
      </details>
      {j.lessons.length > 0 ? <LessonPanel store={store} plan={plan} onSave={saveOne} /> : null}
      <FinalsPanel
        classId={classId}
        groupId={groupId}
        subjectCode={subjectCode}
        periods={j.periods}
        scale={j.scale.values.map((v) => v.value)}
        canEdit={j.canEdit}
        month={month}
        onSaved={refresh}
      />
      {conflict ? <ConflictDialog store={store} state={conflict} onDone={resolveConflict} /> : null}
    </>
  );
}

/** The numbers of the locked periods the month's lessons fall in. */
function lockedPeriods(j: { lessons: { date: string; locked: boolean }[]; periods: { number: number; startsOn: string; endsOn: string }[] }): number[] {
  const out = new Set<number>();
  for (const l of j.lessons)
    if (l.locked) for (const p of j.periods) if (p.startsOn <= l.date && l.date <= p.endsOn) out.add(p.number);
  return [...out].sort((a, b) => a - b);
}

function isAttCell(cell: ConflictCell): boolean {
  return cell.kind === undefined || cell.kind === 'attendance' || 'attendance' in cell;
}

/** A refused save as the teacher reads it: which lesson, and why. */
function saveProblem(t: (k: MessageKey) => string, lang: Lang, e: unknown, s: GridStore, lessonId: number): string {
  const l = s.lessons.get(lessonId);
  const where = l ? `${formatDate(lang, l.date)}, ${l.number} ${t('jr.lessonShort')}: ` : '';
  if (e instanceof ApiError) {
    const m = /^marks\[(\d+)\]\.(value|studentId)/.exec(e.message);
    if (m && m[2] === 'value') return where + t('jr.e.value');
    if (m && m[2] === 'studentId') return where + t('jr.e.student');
    if (e.status === 422 && /lock/i.test(e.message)) return where + t('jr.e.locked');
    if (e.status === 422 && /cancel/i.test(e.message)) return where + t('jr.e.cancelled');
  }
  return where + errorMessage(lang, e);
}

function SaveBar({ store, onSave }: { store: GridStore; onSave: () => void }) {
  const { t } = useI18n();
  useStoreVersion(store);
  const dirty = store.dirtyLessons().length;
  const busy = store.saving.size > 0;
  return (
    <div class="jr-save">
      <button type="button" class="btn btn-primary" onClick={onSave} disabled={busy} data-testid="jr-save" aria-keyshortcuts="Control+S">
        {busy ? t('jr.saving') : t('jr.save')}
      </button>
      <span class={dirty ? 'badge badge-warn' : 'badge badge-ok'} data-testid="jr-dirty">
        {dirty ? t('jr.unsaved').replace('{n}', String(dirty)) : t('jr.allSaved')}
      </span>
    </div>
  );
}

// ------------------------------------------------------------ the table

/** The cell input with the focus, if it belongs to a grid. */
function activeInput(): HTMLInputElement | null {
  const el = document.activeElement;
  return el instanceof HTMLInputElement && el.dataset.r !== undefined ? el : null;
}

let commitActive: (s: GridStore) => void = () => undefined;

function Grid({
  store,
  kindRef,
  caption,
  onColumnLeft,
  onStatus,
  status,
}: {
  store: GridStore;
  kindRef: { current: string };
  caption: string;
  onColumnLeft: (lessonId: number) => void;
  onStatus: (s: string) => void;
  status: string;
}) {
  const { lang, t } = useI18n();
  const j = store.j;
  const rows = j.students;
  const cols = j.lessons;
  const scale = useMemo(() => j.scale.values.map((v) => v.value), [j]);
  const lastCol = useRef(-1);
  const [invalid, setInvalid] = useState('');

  const focusCell = (r: number, c: number) => {
    const el = document.getElementById(`jc-${r}-${c}`) as HTMLInputElement | null;
    if (el) {
      el.focus();
      el.select();
    }
  };

  // What is typed in an input becomes the cell's value; false if it means nothing.
  const commit = (input: HTMLInputElement): boolean => {
    const text = input.value;
    if (!text.trim()) {
      input.value = '';
      return true;
    }
    const lesson = cols[Number(input.dataset.c)];
    const student = rows[Number(input.dataset.r)];
    if (!lesson || !student) return true;
    if (!store.editable(lesson.id)) {
      input.value = '';
      onStatus(t('jr.notEditable'));
      return true;
    }
    const p = parseEntry(text, scale);
    if (!p) {
      input.setAttribute('aria-invalid', 'true');
      setInvalid(t('jr.e.unknown').replace('{v}', text.trim()));
      return false;
    }
    input.removeAttribute('aria-invalid');
    setInvalid('');
    input.value = '';
    if (p.kind === 'att') store.setAtt(lesson.id, student.id, p.att);
    else if (kindRef.current) store.setMark(lesson.id, student.id, kindRef.current, p.value);
    return true;
  };
  commitActive = () => {
    const el = activeInput();
    if (el) commit(el);
  };

  const clear = (r: number, c: number) => {
    const lesson = cols[c];
    const student = rows[r];
    if (!lesson || !student || !store.editable(lesson.id)) return;
    if (kindRef.current) store.setMark(lesson.id, student.id, kindRef.current, null);
    store.setAtt(lesson.id, student.id, null);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const input = e.target as HTMLInputElement;
    if (input.dataset.r === undefined) return;
    const r = Number(input.dataset.r);
    const c = Number(input.dataset.c);
    const move = (dr: number, dc: number) => {
      e.preventDefault();
      if (!commit(input)) return;
      const nr = r + dr;
      const nc = c + dc;
      if (nr >= 0 && nr < rows.length && nc >= 0 && nc < cols.length) focusCell(nr, nc);
    };
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    switch (e.key) {
      case 'ArrowUp':
        return move(-1, 0);
      case 'ArrowDown':
        return move(1, 0);
      case 'ArrowLeft':
        return move(0, -1);
      case 'ArrowRight':
        return move(0, 1);
      case 'Enter':
        return move(e.shiftKey ? -1 : 1, 0);
      case 'Tab': {
        const nc = c + (e.shiftKey ? -1 : 1);
        if (nc < 0 || nc >= cols.length) {
          if (!commit(input)) e.preventDefault();
          return;
        }
        return move(0, e.shiftKey ? -1 : 1);
      }
      case 'Escape':
        input.value = '';
        input.removeAttribute('aria-invalid');
        setInvalid('');
        return;
      case 'Delete':
      case 'Backspace':
        if (input.value === '') {
          e.preventDefault();
          clear(r, c);
        }
        return;
      default:
        return;
    }
  };

  // A column of values pasted from a spreadsheet fills the cells downward.
  const onPaste = (e: ClipboardEvent) => {
    const input = e.target as HTMLInputElement;
    if (input.dataset.r === undefined) return;
    const text = e.clipboardData?.getData('text/plain') ?? '';
    const lines = text.replace(/\r/g, '').split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    if (lines.length <= 1 && !text.includes('\t')) return; // one value: an ordinary paste into the cell
    e.preventDefault();
    const r0 = Number(input.dataset.r);
    const lesson = cols[Number(input.dataset.c)];
    if (!lesson || !store.editable(lesson.id)) return;
    let done = 0;
    let skipped = 0;
    lines.forEach((line, i) => {
      const student = rows[r0 + i];
      const v = (line.split('\t')[0] ?? '').trim();
      if (!student || !v) return;
      const p = parseEntry(v, scale);
      if (!p) {
        skipped++;
        return;
      }
      if (p.kind === 'att') store.setAtt(lesson.id, student.id, p.att);
      else if (kindRef.current) store.setMark(lesson.id, student.id, kindRef.current, p.value);
      done++;
    });
    onStatus(t('jr.pasted').replace('{n}', String(done)) + (skipped ? ' ' + t('jr.pasteSkipped').replace('{n}', String(skipped)) : ''));
  };

  // Roving tab stop: the cell last focused is the grid's one Tab stop.
  const onFocusIn = (e: FocusEvent) => {
    const input = e.target as HTMLInputElement;
    if (input.dataset.r === undefined) return;
    const table = input.closest('table');
    table?.querySelectorAll('input[tabindex="0"]').forEach((el) => el !== input && el.setAttribute('tabindex', '-1'));
    input.setAttribute('tabindex', '0');
    const c = Number(input.dataset.c);
    const before = lastCol.current;
    lastCol.current = c;
    if (store.activeCol !== c) {
      store.activeCol = c;
      store.changed();
    }
    const left = cols[before];
    if (before >= 0 && before !== c && left) onColumnLeft(left.id);
  };

  const avgPeriods = useMemo(() => [...new Set(j.averages.map((a) => a.period))].sort((a, b) => a - b), [j]);
  const finalPeriods = useMemo(() => [...new Set(j.finals.map((f) => f.period))].sort((a, b) => (a === 0 ? 1 : b === 0 ? -1 : a - b)), [j]);
  const avg = useMemo(() => new Map(j.averages.map((a) => [`${a.studentId}:${a.period}`, a.average])), [j]);
  const fin = useMemo(() => new Map(j.finals.map((f) => [`${f.studentId}:${f.period}`, f])), [j]);
  const num = (x: number | null | undefined) => (x === null || x === undefined ? '—' : lang === 'ru' ? x.toFixed(2).replace('.', ',') : x.toFixed(2));
  const periodName = (p: number) => (p === 0 ? t('jr.year') : `${p}`);

  return (
    <>
      <div class="jr-msgs">
        <p class="jr-status" role="status" aria-live="polite" data-testid="jr-status">
          {status}
        </p>
        <p class="jr-invalid" role="alert" data-testid="jr-invalid">
          {invalid}
        </p>
      </div>
      <div class="jgrid-wrap" data-testid="jr-grid-wrap">
        <table class="jgrid" data-testid="jr-grid" onKeyDown={onKeyDown} onPaste={onPaste} onFocusIn={onFocusIn}>
          <caption class="sr-only">{caption}</caption>
          <GridHead store={store} avgPeriods={avgPeriods} finalPeriods={finalPeriods} periodName={periodName} />
          <tbody>
            {rows.map((s, r) => (
              <tr key={s.id} data-testid="jr-row" data-student={s.id}>
                <th scope="row" class="jname" title={s.name}>
                  <span class="jnum" aria-hidden="true">{r + 1}</span>
                  {s.name}
                </th>
                {cols.map((l, c) => (
                  <Cell key={l.id} store={store} lessonId={l.id} studentId={s.id} r={r} c={c} lang={lang} label={`${s.name}, ${formatDate(lang, l.date)}, ${l.number} ${t('jr.lessonShort')}`} />
                ))}
                {avgPeriods.map((p) => (
                  <td key={'a' + p} class="jsum num" data-testid="jr-average">
                    {num(avg.get(`${s.id}:${p}`))}
                  </td>
                ))}
                {finalPeriods.map((p) => {
                  const f = fin.get(`${s.id}:${p}`);
                  return (
                    <td key={'f' + p} class="jsum" data-testid="jr-final">
                      {f?.value ? <strong>{f.value}</strong> : f?.suggested ? <span class="muted" title={t('jr.suggested')}>→ {f.suggested}</span> : '—'}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function GridHead({
  store,
  avgPeriods,
  finalPeriods,
  periodName,
}: {
  store: GridStore;
  avgPeriods: number[];
  finalPeriods: number[];
  periodName: (p: number) => string;
}) {
  const { t } = useI18n();
  useStoreVersion(store);
  const j = store.j;
  return (
    <thead>
      <tr>
        <th scope="col" class="jname">
          {t('jr.student')}
        </th>
        {j.lessons.map((l, c) => {
          const m = store.meta(l.id);
          const dirty = store.pending.has(l.id);
          const cls = ['jles', dirty ? 'dirty' : '', c === store.activeCol ? 'active' : '', l.status === 'cancelled' ? 'cancelled' : ''].filter(Boolean).join(' ');
          return (
            <th key={l.id} scope="col" class={cls} data-testid={'jr-lesson-' + l.id} title={m.topic || t('jr.noTopic')}>
              <button
                type="button"
                class="jles-btn"
                tabIndex={-1}
                onClick={() => document.getElementById(`jc-0-${c}`)?.focus()}
              >
                <span class="jdate">{l.date.slice(8, 10)}.{l.date.slice(5, 7)}</span>
                <span class="jlno">
                  {l.number}
                  <span class="sr-only">
                    {' '}
                    {t('jr.lessonShort')}
                    {m.topic ? ': ' + m.topic : ''}
                    {dirty ? ' — ' + t('jr.notSaved') : ''}
                  </span>
                </span>
              </button>
              <span class={m.topic ? 'jtopic' : 'jtopic none'} aria-hidden="true">
                {m.topic || '—'}
              </span>
            </th>
          );
        })}
        {avgPeriods.map((p) => (
          <th key={'a' + p} scope="col" class="jsum">
            {t('jr.average')} {periodName(p)}
          </th>
        ))}
        {finalPeriods.map((p) => (
          <th key={'f' + p} scope="col" class="jsum">
            {t('jr.final')} {periodName(p)}
          </th>
        ))}
      </tr>
    </thead>
  );
}

interface CellProps {
  store: GridStore;
  lessonId: number;
  studentId: number;
  r: number;
  c: number;
  label: string;
  lang: Lang;
}

// A cell re-renders when its own value changes (its subscription), not with the table.
class Cell extends Component<CellProps> {
  private unsubscribe: (() => void) | null = null;

  override componentDidMount(): void {
    const { store, lessonId, studentId } = this.props;
    this.unsubscribe = store.subscribeCell(cellKey(lessonId, studentId), () => this.forceUpdate());
  }

  override componentWillUnmount(): void {
    this.unsubscribe?.();
  }

  override shouldComponentUpdate(n: CellProps): boolean {
    const p = this.props;
    return n.store !== p.store || n.lessonId !== p.lessonId || n.studentId !== p.studentId || n.r !== p.r || n.c !== p.c || n.label !== p.label || n.lang !== p.lang;
  }

  override render() {
    const { store, lessonId, studentId, r, c, label, lang } = this.props;
    const t = (k: MessageKey) => translate(lang, k);
    const v = store.cellView(lessonId, studentId);
    const code = attCode(v.att);
    const id = `jc-${r}-${c}`;
    const readOnly = !store.editable(lessonId);
    const empty = !code && !v.marks.some((m) => m.value);
    return (
      <td class={v.dirty ? 'jcell dirty' : readOnly ? 'jcell ro' : 'jcell'} data-testid="jr-cell" data-lesson={lessonId} data-student={studentId}>
        <input
          id={id}
          type="text"
          autocomplete="off"
          spellcheck={false}
          placeholder=" "
          tabIndex={r === 0 && c === 0 ? 0 : -1}
          data-r={r}
          data-c={c}
          readOnly={readOnly}
          aria-label={label}
          aria-describedby={id + '-v'}
          data-testid={`jr-in-${lessonId}-${studentId}`}
        />
        <span class="jv" id={id + '-v'} data-testid="jr-value">
          {code ? (
            <span class={'jatt jatt-' + (code === 'оп' ? 'late' : 'abs')} title={attLabel(t, v.att)}>
              {code}
            </span>
          ) : null}
          {v.marks.map((m) => (
            <span key={m.kind} class={m.dirty ? 'jm jm-dirty' : 'jm'}>
              {m.value}
            </span>
          ))}
          {empty || v.dirty ? <span class="sr-only">{(empty ? t('jr.empty') : '') + (v.dirty ? ' (' + t('jr.notSaved') + ')' : '')}</span> : null}
        </span>
      </td>
    );
  }
}

// ------------------------------------------------------------ the lesson's topic and homework

function LessonPanel({ store, plan, onSave }: { store: GridStore; plan: PlanTopic[]; onSave: (lessonId: number) => void }) {
  const { lang, t } = useI18n();
  useStoreVersion(store);
  const l = store.j.lessons[store.activeCol] ?? store.j.lessons[0];
  if (!l) return null;
  const m = store.meta(l.id);
  const editable = store.editable(l.id);
  const set = (meta: LessonMeta) => store.setMeta(l.id, meta);
  const who = l.givenBy ? `${l.givenBy.name} (${t('jr.substitute')})` : l.teacher?.name ?? '';
  return (
    <section class="card block jr-lesson no-print" aria-labelledby="jr-lesson-title" data-testid="jr-lesson-panel">
      <h2 id="jr-lesson-title" class="card-title">
        {t('jr.lesson')}: {formatDate(lang, l.date)}, {l.number} {t('jr.lessonShort')}
        {who ? ` — ${who}` : ''}
        {l.status === 'cancelled' ? ` — ${t('jr.cancelled')}` : ''}
        {l.locked ? ` — ${t('jr.locked')}` : ''}
      </h2>
      <div class="form-grid">
        {plan.length > 0 ? (
          <Field
            id="jr-plan-topic"
            label={t('jr.planTopic')}
            value={m.planTopicId === null ? '' : String(m.planTopicId)}
            onInput={(v) => {
              const topic = plan.find((p) => String(p.id) === v);
              set(topic ? { planTopicId: topic.id, topic: topic.title } : { planTopicId: null });
            }}
            options={[['', t('jr.planTopicNone')] as [string, string]].concat(
              plan.map((p) => [String(p.id), `${p.ordinal}. ${p.title}`] as [string, string]),
            )}
          />
        ) : null}
        <Field id="jr-topic" label={t('jr.topic')} value={m.topic} maxLength={500} onInput={(v) => set({ topic: v })} />
        <div class="field field-wide">
          <label for="jr-homework">{t('jr.homework')}</label>
          <textarea
            id="jr-homework"
            value={m.homework}
            readOnly={!editable}
            onInput={(e) => set({ homework: e.currentTarget.value })}
            data-testid="input-jr-homework"
          />
        </div>
        <Field id="jr-due" label={t('jr.due')} type="date" value={m.homeworkDue ?? ''} onInput={(v) => set({ homeworkDue: v || null })} />
        <div class="field">
          <label class="check">
            <input
              type="checkbox"
              checked={m.attendanceTaken}
              disabled={!editable}
              onChange={(e) => set({ attendanceTaken: e.currentTarget.checked })}
              data-testid="jr-att-taken"
            />
            {t('jr.attTaken')}
          </label>
        </div>
      </div>
      {editable ? (
        <div class="filter-actions">
          <button type="button" class="btn btn-secondary" onClick={() => onSave(l.id)} disabled={!store.pending.has(l.id)} data-testid="jr-save-lesson">
            {t('jr.saveLesson')}
          </button>
          <HomeworkFile lessonId={l.id} />
        </div>
      ) : null}
    </section>
  );
}

// A file for the homework (pdf, png, jpeg, txt, docx, odt; at most 2 MiB): the diary links it.
const uploaded = new Map<number, string[]>();

function HomeworkFile({ lessonId }: { lessonId: number }) {
  const { lang, t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const [, setN] = useState(0);
  const names = uploaded.get(lessonId) ?? [];
  const send = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    if (file.size > 2 * 1024 * 1024) {
      setMessage(t('jr.fileTooBig'));
      input.value = '';
      return;
    }
    setBusy(true);
    setMessage('');
    try {
      await uploadAttachment(lessonId, file);
      uploaded.set(lessonId, [...names, file.name]);
      setN((x) => x + 1);
      setMessage(t('jr.fileAdded').replace('{name}', file.name));
    } catch (e) {
      setMessage(e instanceof ApiError && e.status === 400 ? t('jr.fileType') : errorMessage(lang, e));
    } finally {
      setBusy(false);
      input.value = '';
    }
  };
  return (
    <div class="jr-file">
      <label class="btn btn-secondary" for={'jr-file-' + lessonId}>
        {busy ? t('jr.uploading') : t('jr.addFile')}
      </label>
      <input
        id={'jr-file-' + lessonId}
        class="sr-only"
        type="file"
        accept=".pdf,.png,.jpg,.jpeg,.txt,.docx,.odt"
        disabled={busy}
        onChange={(e) => void send(e.currentTarget)}
        data-testid="jr-file"
      />
      <span role="status" class="muted" data-testid="jr-file-status">
        {message}
      </span>
      {names.length ? <span class="muted"> ({names.join(', ')})</span> : null}
    </div>
  );
}

// ------------------------------------------------------------ a conflict

function showValue(t: (k: MessageKey) => string, attendance: boolean, v: unknown): string {
  if (attendance) {
    const a = toAtt(v);
    return a ? `${attCode(a)} (${attLabel(t, a)})` : t('jr.present');
  }
  return typeof v === 'string' && v ? v : t('jr.noMark');
}

function ConflictDialog({ store, state, onDone }: { store: GridStore; state: ConflictState; onDone: (mine: boolean[] | null) => void }) {
  const { lang, t } = useI18n();
  const l = store.lessons.get(state.lessonId);
  const name = (id: number) => store.j.students.find((s) => s.id === id)?.name ?? String(id);
  const kindName = (code: string) => store.j.kinds.find((k) => k.code === code)?.name ?? code;
  const items = state.details.cells.map((c) => {
    const att = isAttCell(c);
    return {
      label: `${name(c.studentId)} — ${att ? t('jr.attendance') : kindName(c.kind ?? '')}`,
      theirs: showValue(t, att, c.theirs),
      yours: showValue(t, att, c.yours),
      by: c.by,
    };
  });
  return (
    <ChoiceDialog
      where={l ? `${formatDate(lang, l.date)}, ${l.number} ${t('jr.lessonShort')}` : ''}
      items={items}
      keepMine={state.keepMine}
      onDone={onDone}
    />
  );
}

export interface ChoiceItem {
  label: string;
  theirs: string;
  yours: string;
  by?: string | undefined;
}

/** Cells someone else changed meanwhile: theirs or yours, one by one (the journal grid, final marks). */
export function ChoiceDialog({ where, items, keepMine, onDone }: { where: string; items: ChoiceItem[]; keepMine: boolean[]; onDone: (mine: boolean[] | null) => void }) {
  const { t } = useI18n();
  const [mine, setMine] = useState(keepMine);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <div class="modal-back">
      <div class="modal card" role="dialog" aria-modal="true" aria-labelledby="jr-conflict-title" data-testid="jr-conflict"
        onKeyDown={(e) => e.key === 'Escape' && onDone(null)}>
        <h2 id="jr-conflict-title" class="card-title">
          {t('jr.conflictTitle')}
        </h2>
        <p class="note">
          {t('jr.conflictText')} {where}
        </p>
        <ul class="choice-list">
          {items.map((c, i) => (
            <li key={i} data-testid="jr-conflict-cell">
              <fieldset class="conflict-cell">
                <legend>{c.label}</legend>
                <label class="check">
                  <input
                    ref={i === 0 ? first : undefined}
                    type="radio"
                    name={'jr-conflict-' + i}
                    checked={!mine[i]}
                    onChange={() => setMine((m) => m.map((x, j) => (j === i ? false : x)))}
                    data-testid="jr-conflict-theirs"
                  />
                  {t('jr.theirs')}
                  {c.by ? ` (${c.by})` : ''}: <strong>{c.theirs}</strong>
                </label>
                <label class="check">
                  <input
                    type="radio"
                    name={'jr-conflict-' + i}
                    checked={!!mine[i]}
                    onChange={() => setMine((m) => m.map((x, j) => (j === i ? true : x)))}
                    data-testid="jr-conflict-yours"
                  />
                  {t('jr.yours')}: <strong>{c.yours}</strong>
                </label>
              </fieldset>
            </li>
          ))}
        </ul>
        <div class="filter-actions">
          <button type="button" class="btn btn-primary" onClick={() => onDone(mine)} data-testid="jr-conflict-apply">
            {t('jr.conflictApply')}
          </button>
          <button type="button" class="btn btn-secondary" onClick={() => onDone(null)} data-testid="jr-conflict-later">
            {t('jr.conflictLater')}
          </button>
        </div>
      </div>
    </div>
  );
}
