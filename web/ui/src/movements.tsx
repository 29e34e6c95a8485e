// The movement book (книга движения): the whole book with filters
// (/movements, for the register's keepers and the principal), and on a
// student's card their own entries with the keepers' actions: admit,
// transfer, transfer out, departure, graduation, undo of the latest entry.
// Entries are never edited; an undo is itself an entry, and the undone one
// stays in the book, struck through and marked.
import { useEffect, useState } from 'preact/hooks';
import {
  getMovements, listClasses, recordMovement,
  type Movement, type MovementInput, type MovementKind, type SchoolClass,
} from './api';
import { useNewest } from './load';
import { errorMessage } from './errors';
import { formatDate } from './fields';
import { Field, FormAlert, fieldOfError, today } from './forms';
import { useI18n, type Lang, type MessageKey } from './i18n';
import { PageTitle } from './pages';
import { ErrorBox, PrintButton, fullName } from './registry';
import { linkClick } from './router';

/** The server returns at most this many entries (MovementFilter::limit). */
const BOOK_LIMIT = 500;
export const BOOK_KINDS: MovementKind[] = ['admission', 'transfer', 'transfer_out', 'departure', 'graduation', 'undo'];
const ACTIONS: MovementKind[] = ['admission', 'transfer', 'transfer_out', 'departure', 'graduation', 'undo'];

type FieldKey = 'toClass' | 'date' | 'orderNumber' | 'orderDate' | 'destination' | 'reason';

function fieldsOf(kind: MovementKind): FieldKey[] {
  switch (kind) {
    case 'admission':
    case 'transfer':
      return ['toClass', 'date', 'orderNumber', 'orderDate', 'reason'];
    case 'transfer_out':
      return ['destination', 'date', 'orderNumber', 'orderDate', 'reason'];
    case 'graduation':
      return ['date', 'orderNumber', 'orderDate'];
    default:
      return ['date', 'orderNumber', 'orderDate', 'reason'];
  }
}

/** The student's latest entry that is in force (what an undo may cancel). */
export function latestEffective(rows: Movement[]): Movement | null {
  let last: Movement | null = null;
  for (const r of rows) if (!r.undone && r.kind !== 'undo' && (!last || r.id > last.id)) last = r;
  return last;
}

/** A refusal from the server → which field it belongs to (if any) and a translated text. */
function movementProblem(
  lang: Lang,
  t: (k: MessageKey) => string,
  err: unknown,
  values: Record<FieldKey, string>,
): { field?: FieldKey; text: string } {
  const message = err instanceof Error ? err.message : '';
  const m = /already in class (\S+)/.exec(message);
  if (m) return { field: 'toClass', text: t('mv.e.alreadyIn').replace('{class}', m[1] as string) };
  const known: [RegExp, MessageKey, FieldKey?][] = [
    [/already in this class/, 'mv.e.sameClass', 'toClass'],
    [/stays within the school year/, 'mv.e.otherYear', 'toClass'],
    [/^toClass: .*is full/, 'mv.e.full', 'toClass'],
    [/no such class/, 'mv.e.noClass', 'toClass'],
    [/outside the school year/, 'mv.e.outsideYear', 'date'],
    [/cannot come after/, 'mv.e.orderAfter', 'orderDate'],
    [/not in the school/, 'mv.e.notInSchool'],
    [/only the student's latest entry/, 'mv.e.notLatest'],
    [/already undone/, 'mv.e.alreadyUndone'],
    [/grade 9 or 11/, 'mv.e.graduate'],
    [/cannot itself be undone/, 'mv.e.undoUndo'],
    [/came from/, 'mv.e.fromClass'],
  ];
  for (const [re, key, field] of known) if (re.test(message)) return { field, text: t(key) };
  if (/^destination and reason:/.test(message))
    return { field: values.reason.length > 300 ? 'reason' : 'destination', text: t('fe.long') };
  const named = fieldOfError(err);
  const field = named?.field as FieldKey | undefined;
  if (named && field && field in values) {
    const d = named.detail;
    let key: MessageKey = 'fe.invalid';
    if (/required/.test(d)) key = values[field].trim() === '' ? 'fe.required' : 'fe.long';
    else if (/date/.test(d)) key = 'fe.date';
    else if (/at most|longer/.test(d)) key = 'fe.long';
    return { field, text: t(key) };
  }
  return { text: errorMessage(lang, err) };
}

// ---------------------------------------------------------------- the table

function kindText(t: (k: MessageKey) => string, r: Movement): string {
  return r.kind === 'undo' && r.undoes ? `${t('mv.kind.undo')} № ${r.undoes}` : t(('mv.kind.' + r.kind) as MessageKey);
}

export function MovementTable({ rows, showStudent }: { rows: Movement[]; showStudent: boolean }) {
  const { lang, t } = useI18n();
  return (
    <table class="table stack" data-testid="movement-table">
      <thead>
        <tr>
          <th scope="col">{t('mv.col.no')}</th>
          <th scope="col">{t('mv.col.date')}</th>
          <th scope="col">{t('mv.col.kind')}</th>
          {showStudent ? <th scope="col">{t('mv.col.student')}</th> : null}
          <th scope="col">{t('mv.col.from')}</th>
          <th scope="col">{t('mv.col.to')}</th>
          <th scope="col">{t('mv.col.order')}</th>
          <th scope="col">{t('mv.col.note')}</th>
          <th scope="col">{t('mv.col.by')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const href = '/registry/' + r.student.id;
          const note = [r.destination ? `→ ${r.destination}` : '', r.reason].filter(Boolean).join('; ');
          return (
            <tr key={r.id} class={r.undone ? 'row-undone' : undefined} data-testid="movement-row" data-id={r.id}>
              <td data-label={t('mv.col.no')} class="mono">{r.id}</td>
              <td data-label={t('mv.col.date')} class="struck">{formatDate(lang, r.date)}</td>
              <td data-label={t('mv.col.kind')}>
                <span class="struck" data-testid="movement-kind">{kindText(t, r)}</span>
                {r.undone ? (
                  <>
                    {' '}
                    <span class="badge badge-warn" data-testid="movement-undone">{t('mv.undone')}</span>
                  </>
                ) : null}
              </td>
              {showStudent ? (
                <td data-label={t('mv.col.student')} data-testid="movement-student">
                  <a href={href} onClick={(e) => linkClick(e, href)}>
                    {fullName(r.student)}
                  </a>
                </td>
              ) : null}
              <td data-label={t('mv.col.from')} class="struck" data-testid="movement-from">{r.fromClass || '—'}</td>
              <td data-label={t('mv.col.to')} class="struck" data-testid="movement-to">{r.toClass || '—'}</td>
              <td data-label={t('mv.col.order')} class="struck" data-testid="movement-order">
                № {r.orderNumber}
                {r.orderDate ? ` ${t('mv.orderOf')} ${formatDate(lang, r.orderDate)}` : ''}
              </td>
              <td data-label={t('mv.col.note')} class="struck">{note || '—'}</td>
              <td data-label={t('mv.col.by')} class="mono" data-testid="movement-by">{r.recordedBy}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

// ---------------------------------------------------------------- the book

function initialStudent(): number | undefined {
  const v = new URLSearchParams(window.location.search).get('student');
  return v && /^[1-9]\d{0,15}$/.test(v) ? Number(v) : undefined;
}

/** Lower case, ё read as е: how people type names when searching. */
function fold(s: string): string {
  return s.toLowerCase().replace(/ё/g, 'е');
}

export function MovementBookPage() {
  const { lang, t } = useI18n();
  const [student, setStudent] = useState<number | undefined>(initialStudent);
  const [kind, setKind] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [name, setName] = useState('');
  const [applied, setApplied] = useState({ kind: '', from: '', to: '' });
  const [rows, setRows] = useState<Movement[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [filterError, setFilterError] = useState<{ field: 'from' | 'to'; text: string } | null>(null);
  const [loading, setLoading] = useState(true);
  const newest = useNewest();

  const load = (f = applied, s = student) => {
    setLoading(true);
    setError(null);
    setFilterError(null);
    newest(
      getMovements({ student: s, kind: f.kind, from: f.from, to: f.to }),
      (r) => {
        setRows(r);
        setLoading(false);
      },
      (err) => {
        const named = fieldOfError(err);
        if (named && (named.field === 'from' || named.field === 'to')) setFilterError({ field: named.field, text: t('fe.date') });
        else setError(err);
        setLoading(false);
      },
    );
  };

  useEffect(() => load(), []);

  const apply = (e: Event) => {
    e.preventDefault();
    const f = { kind, from, to };
    setApplied(f);
    load(f);
  };

  const reset = () => {
    const f = { kind: '', from: '', to: '' };
    setKind('');
    setFrom('');
    setTo('');
    setName('');
    setStudent(undefined);
    setApplied(f);
    window.history.replaceState(null, '', '/movements');
    load(f, undefined);
  };

  const needle = fold(name.trim());
  const shown = rows ? rows.filter((r) => !needle || fold(fullName(r.student)).includes(needle)) : [];
  const studentName = student && rows && rows[0] ? fullName(rows[0].student) : student ? `№ ${student}` : '';
  const caption = [
    applied.kind ? t(('mv.kind.' + applied.kind) as MessageKey) : '',
    applied.from ? `${t('mv.filter.from')} ${formatDate(lang, applied.from)}` : '',
    applied.to ? `${t('mv.filter.to')} ${formatDate(lang, applied.to)}` : '',
    studentName,
    needle ? `«${name.trim()}»` : '',
  ].filter(Boolean);

  return (
    <>
      <div class="title-row">
        <PageTitle text={t('nav.movements')} />
        <PrintButton />
      </div>
      <form class="card filters no-print" onSubmit={apply} aria-label={t('mv.filters')} data-testid="book-filters">
        <div class="form-grid">
          <Field
            id="book-kind"
            label={t('mv.filter.kind')}
            value={kind}
            onInput={setKind}
            options={[['', t('mv.filter.all')] as [string, string]].concat(
              BOOK_KINDS.map((k) => [k, t(('mv.kind.' + k) as MessageKey)] as [string, string]),
            )}
          />
          <Field
            id="book-from"
            label={t('mv.filter.from')}
            type="date"
            value={from}
            onInput={setFrom}
            error={filterError?.field === 'from' ? filterError.text : undefined}
          />
          <Field
            id="book-to"
            label={t('mv.filter.to')}
            type="date"
            value={to}
            onInput={setTo}
            error={filterError?.field === 'to' ? filterError.text : undefined}
          />
          <Field
            id="book-student"
            label={t('mv.filter.student')}
            hint={t('mv.filter.studentHint')}
            value={name}
            onInput={setName}
            maxLength={100}
          />
        </div>
        {student ? (
          <p class="note" data-testid="book-student-only">
            {t('mv.filter.onlyStudent')}: {studentName}
          </p>
        ) : null}
        <div class="filter-actions">
          <button type="submit" class="btn btn-primary" data-testid="book-apply">
            {t('mv.filter.apply')}
          </button>
          <button type="button" class="btn btn-secondary" onClick={reset} data-testid="book-reset">
            {t('mv.filter.reset')}
          </button>
        </div>
      </form>
      <p class="print-only print-caption">{caption.length ? caption.join(' · ') : t('mv.filter.all')}</p>
      <div aria-busy={loading}>
        {error ? <ErrorBox error={error} onRetry={() => load()} testId="book-error" /> : null}
        {rows && shown.length === 0 && !loading ? (
          <div class="card empty" data-testid="book-empty">
            {t('mv.none')}
          </div>
        ) : null}
        {shown.length > 0 ? <MovementTable rows={shown} showStudent /> : null}
        {rows && rows.length >= BOOK_LIMIT ? (
          <p class="note" data-testid="book-cut">
            {t('mv.cut').replace('{n}', String(BOOK_LIMIT))}
          </p>
        ) : null}
        <p class="status-line" role="status" data-testid="book-status">
          {loading ? t('app.loading') : rows ? `${t('mv.count')}: ${shown.length}` : ''}
        </p>
      </div>
    </>
  );
}

// ---------------------------------------------------------------- on the card

export function StudentMovements({ id, keeper, onChanged }: { id: number; keeper: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const [rows, setRows] = useState<Movement[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [action, setAction] = useState<MovementKind | null>(null);
  const [saved, setSaved] = useState(false);

  const load = () => {
    setError(null);
    getMovements({ student: id }).then(setRows, setError);
  };
  useEffect(load, [id]);

  const open = (k: MovementKind) => {
    setSaved(false);
    setAction(k);
  };
  const close = (done: boolean) => {
    const was = action;
    setAction(null);
    if (done) {
      setSaved(true);
      load();
      onChanged();
    }
    setTimeout(() => document.getElementById('mv-act-' + was)?.focus(), 0);
  };

  const target = rows ? latestEffective(rows) : null;
  const bookHref = '/movements?student=' + id;
  return (
    <div class="movements">
      {keeper ? (
        <div class="title-actions no-print action-bar" role="group" aria-label={t('mv.actions')}>
          {ACTIONS.map((k) => (
            <button
              key={k}
              id={'mv-act-' + k}
              type="button"
              class={action === k ? 'btn btn-primary' : 'btn btn-secondary'}
              aria-expanded={action === k}
              aria-controls={action === k ? 'movement-form' : undefined}
              disabled={k === 'undo' && !target}
              onClick={() => (action === k ? close(false) : open(k))}
              data-testid={'mv-act-' + k}
            >
              {t(('mv.act.' + k) as MessageKey)}
            </button>
          ))}
        </div>
      ) : null}
      {saved ? (
        <p class="alert alert-ok no-print" role="status" data-testid="movement-saved">
          {t('mv.saved')}
        </p>
      ) : null}
      {keeper && action ? (
        <MovementForm key={action} student={id} kind={action} target={target} onDone={() => close(true)} onCancel={() => close(false)} />
      ) : null}
      {error ? <ErrorBox error={error} onRetry={load} testId="movements-error" /> : null}
      {!rows && !error ? <p class="status-line" role="status">{t('app.loading')}</p> : null}
      {rows && rows.length === 0 ? (
        <div class="card empty" data-testid="movements-empty">
          {t('mv.none')}
        </div>
      ) : null}
      {rows && rows.length > 0 ? <MovementTable rows={rows} showStudent={false} /> : null}
      <p class="back no-print">
        <a href={bookHref} onClick={(e) => linkClick(e, bookHref)} data-testid="open-book">
          {t('mv.openBook')}
        </a>
      </p>
    </div>
  );
}

interface FormProps {
  student: number;
  kind: MovementKind;
  target: Movement | null;
  onDone: () => void;
  onCancel: () => void;
}

function MovementForm({ student, kind, target, onDone, onCancel }: FormProps) {
  const { lang, t } = useI18n();
  const [values, setValues] = useState<Record<FieldKey, string>>({
    toClass: '', date: today(), orderNumber: '', orderDate: today(), destination: '', reason: '',
  });
  const [classes, setClasses] = useState<SchoolClass[] | undefined>(undefined);
  const [classesError, setClassesError] = useState<unknown>(null);
  const [errors, setErrors] = useState<Partial<Record<FieldKey, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const keys = fieldsOf(kind);
  const needsClass = keys.includes('toClass');

  useEffect(() => {
    if (!needsClass) return;
    listClasses().then(setClasses, (err) => {
      setClasses([]);
      setClassesError(err);
    });
  }, [needsClass]);

  // Focus the first field once it is there (the class field waits for the list).
  const ready = !needsClass || classes !== undefined;
  useEffect(() => {
    if (ready) document.querySelector<HTMLElement>('#movement-form input, #movement-form select')?.focus();
  }, [ready]);

  const set = (k: FieldKey) => (v: string) => setValues((old) => ({ ...old, [k]: v }));

  const submit = async (e: Event) => {
    e.preventDefault();
    if (saving) return;
    setErrors({});
    setFormError(null);
    const input: MovementInput = {
      kind,
      date: values.date,
      orderNumber: values.orderNumber.trim(),
      orderDate: values.orderDate,
    };
    if (values.reason.trim() && keys.includes('reason')) input.reason = values.reason.trim();
    if (kind === 'transfer_out') input.destination = values.destination.trim();
    if (kind === 'undo') {
      if (!target) return;
      input.undoes = target.id;
    }
    if (needsClass && values.toClass) input.toClass = Number(values.toClass);
    setSaving(true);
    try {
      await recordMovement(student, input);
      onDone();
    } catch (err) {
      const p = movementProblem(lang, t, err, values);
      if (p.field && keys.includes(p.field)) {
        setErrors({ [p.field]: p.text });
        setFormError(t('card.fixErrors'));
        const focus = p.field;
        setTimeout(() => document.getElementById('move-' + focus)?.focus(), 0);
      } else {
        setFormError(p.text);
      }
    } finally {
      setSaving(false);
    }
  };

  const classField = () => {
    if (classes === undefined) return <p class="status-line" role="status" key="toClass">{t('app.loading')}</p>;
    const years = new Set(classes.map((c) => c.academicYear));
    return (
      <Field
        key="toClass"
        id="move-toClass"
        label={t('mv.f.toClass')}
        required
        value={values.toClass}
        onInput={set('toClass')}
        error={errors.toClass ?? (classesError ? errorMessage(lang, classesError) : undefined)}
        options={[['', t('mv.f.chooseClass')] as [string, string]].concat(
          classes.map((c) => [
            String(c.id),
            years.size > 1 && c.academicYear ? `${c.name} (${c.academicYear}/${c.academicYear + 1})` : c.name,
          ]),
        )}
      />
    );
  };

  const title = t(('mv.act.' + kind) as MessageKey);
  return (
    <form
      id="movement-form"
      class="edit-form no-print"
      onSubmit={submit}
      noValidate
      aria-busy={saving}
      aria-labelledby="movement-form-title"
      data-testid="movement-form"
    >
      <fieldset class="card">
        <legend id="movement-form-title" class="card-title">
          {title}
        </legend>
        {formError ? <FormAlert testId="movement-form-error">{formError}</FormAlert> : null}
        {kind === 'undo' && target ? (
          <p class="note" data-testid="undo-target">
            {t('mv.f.undoes')}: № {target.id}, {kindText(t, target)}, {formatDate(lang, target.date)}, № {target.orderNumber}
          </p>
        ) : null}
        <div class="form-grid">
          {keys.map((k) =>
            k === 'toClass' ? (
              classField()
            ) : (
              <Field
                key={k}
                id={'move-' + k}
                label={t(('mv.f.' + k) as MessageKey)}
                type={k === 'date' || k === 'orderDate' ? 'date' : 'text'}
                required={k !== 'reason'}
                maxLength={k === 'orderNumber' ? 64 : 300}
                wide={k === 'reason' || k === 'destination'}
                value={values[k]}
                onInput={set(k)}
                error={errors[k]}
              />
            ),
          )}
        </div>
        <div class="filter-actions">
          <button type="submit" class="btn btn-primary" disabled={saving} data-testid="movement-submit">
            {saving ? t('mv.saving') : t('mv.submit')}
          </button>
          <button type="button" class="btn btn-secondary" onClick={onCancel} disabled={saving} data-testid="movement-cancel">
            {t('card.cancel')}
          </button>
        </div>
      </fieldset>
    </form>
  );
}
