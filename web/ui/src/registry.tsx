// The school register: the searchable list (/registry), a person's card
// (/registry/{id}) with editing and change history, and the access log (/audit).
import { useEffect, useState } from 'preact/hooks';
import {
  ApiError, getAudit, getHistory, getPerson, searchPeople, updatePerson,
  type AuditEntry, type HistoryEntry, type PersonCard, type PersonKind, type PersonSummary,
} from './api';
import { useNewest } from './load';
import { errorMessage } from './errors';
import {
  CATEGORIES, CORE_KEYS, choiceLabel, displayValue, fieldDef, fieldLabel, fieldsFor, formatDate, isSensitive,
  type Category, type FieldDef,
} from './fields';
import { translateDynamic, useI18n, type Lang, type MessageKey } from './i18n';
import { ConsentPanel } from './consent';
import { StudentMovements } from './movements';
import { PageTitle } from './pages';
import { isKeeper } from './roles';
import { linkClick, navigate } from './router';

const PAGE = 50;
const KINDS: PersonKind[] = ['student', 'staff', 'parent'];

export function fullName(p: PersonSummary): string {
  return [p.surname, p.firstName, p.patronymic].filter(Boolean).join(' ');
}

export function ErrorBox({ error, onRetry, testId = 'registry-error' }: { error: unknown; onRetry?: () => void; testId?: string }) {
  const { lang, t } = useI18n();
  return (
    <div class="alert alert-error alert-row" role="alert" data-testid={testId}>
      <span>{errorMessage(lang, error)}</span>
      {onRetry ? (
        <button type="button" class="btn btn-secondary" onClick={onRetry}>
          {t('app.retry')}
        </button>
      ) : null}
    </div>
  );
}

export function PrintButton() {
  const { t } = useI18n();
  return (
    <button type="button" class="btn btn-secondary no-print" onClick={() => window.print()} data-testid="print-button">
      {t('reg.print')}
    </button>
  );
}

// ---------------------------------------------------------------- the list

// Kept while the app runs, so that coming back from a card shows the same list.
let lastKind: PersonKind = 'student';
let lastQuery = '';

export function RegistryPage({ title, permissions }: { title: MessageKey; permissions: string[] }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<PersonKind>(lastKind);
  const [text, setText] = useState(lastQuery);
  const [query, setQuery] = useState(lastQuery.trim());
  const [people, setPeople] = useState<PersonSummary[]>([]);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const newest = useNewest();

  // Debounce typing by 250 ms.
  useEffect(() => {
    lastQuery = text;
    const timer = setTimeout(() => setQuery(text.trim()), 250);
    return () => clearTimeout(timer);
  }, [text]);

  const load = (offset: number) => {
    setLoading(true);
    setError(null);
    newest(
      searchPeople(kind, query, PAGE, offset),
      (found) => {
        setPeople((old) => (offset === 0 ? found : old.concat(found)));
        setMore(found.length === PAGE);
        setLoading(false);
      },
      (err) => {
        setError(err);
        setLoading(false);
      },
    );
  };

  useEffect(() => {
    lastKind = kind;
    setPeople([]);
    setMore(false);
    load(0);
  }, [kind, query]);

  const onTabKey = (e: KeyboardEvent) => {
    const i = KINDS.indexOf(kind);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % KINDS.length;
    else if (e.key === 'ArrowLeft') next = (i + KINDS.length - 1) % KINDS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = KINDS.length - 1;
    if (next < 0) return;
    e.preventDefault();
    const k = KINDS[next] as PersonKind;
    setKind(k);
    document.getElementById('kind-' + k)?.focus();
  };

  const empty = !loading && !error && people.length === 0;

  return (
    <>
      <div class="title-row">
        <PageTitle text={t(title)} />
        <div class="title-actions no-print">
          {isKeeper(permissions) ? (
            <a
              href={'/registry/new?kind=' + kind}
              class="btn btn-primary"
              onClick={(e) => linkClick(e, '/registry/new?kind=' + kind)}
              data-testid="new-person"
            >
              {t('new.button')}
            </a>
          ) : null}
          <PrintButton />
        </div>
      </div>
      <div class="toolbar no-print">
        <div class="tabs" role="tablist" aria-label={t('reg.kinds')} onKeyDown={onTabKey}>
          {KINDS.map((k) => (
            <button
              key={k}
              id={'kind-' + k}
              type="button"
              role="tab"
              class="tab"
              aria-selected={k === kind}
              aria-controls="registry-results"
              tabIndex={k === kind ? 0 : -1}
              onClick={() => setKind(k)}
              data-testid={'kind-' + k}
            >
              {t(('reg.kind.' + k) as MessageKey)}
            </button>
          ))}
        </div>
        <div class="search">
          <label for="registry-search">{t('reg.search')}</label>
          <input
            id="registry-search"
            type="search"
            autocomplete="off"
            spellcheck={false}
            placeholder={t('reg.searchHint')}
            maxLength={100}
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            data-testid="registry-search"
          />
        </div>
      </div>
      <p class="print-only print-caption">
        {t(('reg.kind.' + kind) as MessageKey)}
        {query ? ` · «${query}»` : ''}
      </p>
      <div id="registry-results" role="tabpanel" aria-labelledby={'kind-' + kind} aria-busy={loading}>
        {error ? <ErrorBox error={error} onRetry={() => load(people.length)} /> : null}
        {empty ? (
          <div class="card empty" data-testid="registry-empty">
            {t('reg.empty')}
          </div>
        ) : null}
        {people.length > 0 ? <PeopleTable people={people} testId="registry" rowTestId="person-row-" clickable /> : null}
        <p class="status-line" role="status" data-testid="registry-status">
          {loading ? t('reg.loading') : people.length > 0 ? `${t('reg.shown')}: ${people.length}` : ''}
        </p>
        {more && !loading ? (
          <button type="button" class="btn btn-secondary no-print" onClick={() => load(people.length)} data-testid="registry-more">
            {t('reg.more')}
          </button>
        ) : null}
      </div>
    </>
  );
}

/** People as a table linking to their cards; the register list and the reports share it.
 *  `withKind` adds the kind of person; `clickable` makes the whole row open the card. */
export function PeopleTable({
  people,
  testId,
  rowTestId,
  withKind = false,
  clickable = false,
}: {
  people: PersonSummary[];
  testId: string;
  rowTestId: string;
  withKind?: boolean;
  clickable?: boolean;
}) {
  const { t, lang } = useI18n();
  return (
    <table class="table stack" data-testid={testId + '-table'}>
      <thead>
        <tr>
          <th scope="col">{t('reg.colName')}</th>
          {withKind ? <th scope="col">{t('rep.colKind')}</th> : null}
          <th scope="col">{t('reg.colClass')}</th>
          <th scope="col">{t('reg.colBirth')}</th>
        </tr>
      </thead>
      <tbody>
        {people.map((p) => {
          const href = '/registry/' + p.id;
          return (
            <tr
              key={p.id}
              class={clickable ? 'clickable' : undefined}
              data-testid={rowTestId + p.id}
              onClick={
                clickable
                  ? (e) => {
                      if ((e.target as Element).closest('a')) return;
                      navigate(href);
                    }
                  : undefined
              }
            >
              <th scope="row" class="cell-name">
                <a href={href} onClick={(e) => linkClick(e, href)} data-testid={'person-link-' + p.id}>
                  {fullName(p)}
                </a>
              </th>
              {withKind ? <td data-label={t('rep.colKind')}>{t(('reg.kindOne.' + p.kind) as MessageKey)}</td> : null}
              <td data-label={t('reg.colClass')}>{p.className || '—'}</td>
              <td data-label={t('reg.colBirth')}>{p.birthDate ? formatDate(lang, p.birthDate) : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

// ---------------------------------------------------------------- the card

function coreValue(p: PersonSummary, key: string): string {
  switch (key) {
    case 'surname': return p.surname;
    case 'first_name': return p.firstName;
    case 'patronymic': return p.patronymic;
    case 'birth_date': return p.birthDate;
    case 'sex': return p.sex;
    default: return '';
  }
}

function valueOf(card: PersonCard, key: string): string {
  return CORE_KEYS.includes(key) ? coreValue(card.person, key) ?? '' : card.fields[key] ?? '';
}

/** A server complaint about one field → a translated message. */
export function fieldProblem(key: string, code: string, detail: string): MessageKey {
  if (code === 'failed_precondition' || /consent/.test(detail)) return 'fe.consent';
  if (/required|must not be empty/.test(detail)) return 'fe.required';
  if (/check (digit|number)/.test(detail)) return 'fe.checksum';
  if (/longer than/.test(detail)) return 'fe.long';
  if (/single line/.test(detail)) return 'fe.line';
  switch (fieldDef(key)?.type) {
    case 'name': return 'fe.name';
    case 'date': return 'fe.date';
    case 'phone': return 'fe.phone';
    case 'snils': return 'fe.snils';
    case 'inn': return 'fe.inn';
    case 'email': return 'fe.email';
    case 'integer': return 'fe.int';
    case 'choice': case 'sex': case 'boolean': return 'fe.choice';
    default: return 'fe.invalid';
  }
}

type Groups = Partial<Record<Category | 'other', string[]>>;

function groupKeys(keys: string[]): Groups {
  const groups: Groups = {};
  for (const k of keys) {
    const cat = fieldDef(k)?.cat ?? 'other';
    (groups[cat] ??= []).push(k);
  }
  return groups;
}

/** The catalogue's categories, then what it does not know. */
function groupOrder(): (Category | 'other')[] {
  return [...CATEGORIES, 'other'];
}

// A notice for the next card opened ("card created"), set before navigating to it.
let pendingNotice: MessageKey | null = null;
export function setCardNotice(notice: MessageKey): void {
  pendingNotice = notice;
}

type CardTab = 'card' | 'history' | 'movements';

export function PersonPage({ id, permissions }: { id: number; permissions: string[] }) {
  const { lang, t } = useI18n();
  const [card, setCard] = useState<PersonCard | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [tab, setTab] = useState<CardTab>('card');
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, MessageKey>>({});
  const [formError, setFormError] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [saving, setSaving] = useState(false);
  const [note, setNote] = useState<MessageKey | null>(() => {
    const n = pendingNotice;
    pendingNotice = null;
    return n;
  });
  const [historyKey, setHistoryKey] = useState(0);

  const load = () => {
    setLoadError(null);
    return getPerson(id).then(
      (c) => {
        setCard(c);
        return c;
      },
      (err) => {
        setLoadError(err);
        return null;
      },
    );
  };

  useEffect(() => {
    load();
  }, [id]);

  const editableKeys = (c: PersonCard): string[] =>
    fieldsFor(c.person.kind)
      .filter((f) => c.access.sensitive || !isSensitive(f.cat))
      .map((f) => f.key)
      .concat(Object.keys(c.fields).filter((k) => !fieldDef(k)));

  const startEdit = () => {
    if (!card) return;
    const d: Record<string, string> = {};
    for (const k of editableKeys(card)) d[k] = valueOf(card, k);
    setDraft(d);
    setErrors({});
    setFormError(null);
    setConflict(false);
    setNote(null);
    setTab('card');
    setEditing(true);
    setTimeout(() => document.getElementById('input-surname')?.focus(), 0);
  };

  const cancelEdit = () => {
    setEditing(false);
    setErrors({});
    setFormError(null);
    setConflict(false);
    setTimeout(() => document.getElementById('edit-button')?.focus(), 0);
  };

  const reloadAfterConflict = async () => {
    const c = await load();
    setConflict(false);
    setFormError(null);
    setErrors({});
    if (c) {
      const d: Record<string, string> = {};
      for (const k of editableKeys(c)) d[k] = valueOf(c, k);
      setDraft(d);
    }
  };

  const save = async (e: Event) => {
    e.preventDefault();
    if (!card || saving) return;
    const changes: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(draft)) {
      const value = v.trim();
      if (value !== valueOf(card, k).trim()) changes[k] = value === '' ? null : value;
    }
    setErrors({});
    setFormError(null);
    setConflict(false);
    if (Object.keys(changes).length === 0) {
      setEditing(false);
      setNote('card.noChanges');
      return;
    }
    setSaving(true);
    try {
      await updatePerson(id, card.version, changes);
      await load();
      setEditing(false);
      setNote('card.saved');
      setHistoryKey((n) => n + 1);
      setTimeout(() => document.getElementById('edit-button')?.focus(), 0);
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'conflict' || err.status === 409)) {
        setConflict(true);
      } else {
        const m = err instanceof ApiError ? /^fields\.([A-Za-z0-9_]+):\s*(.*)$/.exec(err.message) : null;
        const key = m ? (m[1] as string) : '';
        if (m && key in draft) {
          setErrors({ [key]: fieldProblem(key, (err as ApiError).code, m[2] ?? '') });
          setFormError('fields');
          setTimeout(() => document.getElementById('input-' + key)?.focus(), 0);
        } else {
          setFormError(err);
        }
      }
    } finally {
      setSaving(false);
    }
  };

  if (!card) {
    return (
      <>
        <BackLink />
        <PageTitle text={t('nav.registry')} />
        {loadError ? (
          <ErrorBox error={loadError} onRetry={loadErrorRetryable(loadError) ? load : undefined} testId="card-error" />
        ) : (
          <p class="status-line" role="status">{t('app.loading')}</p>
        )}
      </>
    );
  }

  const p = card.person;
  const kindLabel = t(('reg.kindOne.' + p.kind) as MessageKey);
  const keeper = isKeeper(permissions);
  // The movement book is read by those it is open to (the server decides too).
  const tabs: CardTab[] =
    p.kind === 'student' && permissions.includes('read_movement_book') ? ['card', 'history', 'movements'] : ['card', 'history'];
  const tabLabel: Record<CardTab, MessageKey> = { card: 'card.tabCard', history: 'card.tabHistory', movements: 'mv.tab' };

  return (
    <>
      <BackLink />
      <div class="title-row">
        <h1 id="page-title" class="page-title" tabIndex={-1} data-testid="page-title">
          <span data-testid="card-name">{fullName(p)}</span>
        </h1>
        <div class="title-actions no-print">
          {card.access.edit && !editing ? (
            <button type="button" id="edit-button" class="btn btn-primary" onClick={startEdit} data-testid="edit-button">
              {t('card.edit')}
            </button>
          ) : null}
          {!editing ? <PrintButton /> : null}
        </div>
      </div>
      <ul class="card-meta">
        <li data-testid="card-kind">{kindLabel}</li>
        {p.className ? (
          <li data-testid="card-class">
            {t('card.class')} {p.className}
          </li>
        ) : null}
        <li>
          <span class={card.consent ? 'badge badge-ok' : 'badge badge-warn'} data-testid="consent-badge">
            {t('card.consent')}: {card.consent ? t('card.consentYes') : t('card.consentNo')}
          </span>
        </li>
      </ul>
      {card.access.edit && !editing ? (
        <ConsentPanel
          key={String(card.consent)}
          card={card}
          onChanged={(n) => {
            load();
            setNote(n);
          }}
        />
      ) : null}
      {note ? (
        <p class="alert alert-ok no-print" role="status" data-testid="save-status">
          {t(note)}
        </p>
      ) : null}
      {!card.access.sensitive ? (
        <p class="note" data-testid="sensitive-hidden">
          {t('card.sensitiveHidden')}
        </p>
      ) : null}
      {!editing ? (
        <div class="tabs no-print" role="tablist" aria-label={t('card.tabs')}>
          {tabs.map((k, i) => (
            <button
              key={k}
              id={'tab-' + k}
              type="button"
              role="tab"
              class="tab"
              aria-selected={tab === k}
              aria-controls={'panel-' + k}
              tabIndex={tab === k ? 0 : -1}
              onClick={() => {
                setTab(k);
                setNote(null);
              }}
              onKeyDown={(e) => {
                if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                  e.preventDefault();
                  const other = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length] as CardTab;
                  setTab(other);
                  document.getElementById('tab-' + other)?.focus();
                }
              }}
              data-testid={k + '-tab'}
            >
              {t(tabLabel[k])}
            </button>
          ))}
        </div>
      ) : null}
      {editing ? (
        <EditForm
          card={card}
          keys={editableKeys(card)}
          draft={draft}
          setValue={(k, v) => setDraft((d) => ({ ...d, [k]: v }))}
          errors={errors}
          formError={formError}
          conflict={conflict}
          saving={saving}
          onSubmit={save}
          onCancel={cancelEdit}
          onReload={reloadAfterConflict}
        />
      ) : tab === 'card' ? (
        <div id="panel-card" role="tabpanel" aria-labelledby="tab-card">
          <CardView card={card} lang={lang} />
        </div>
      ) : tab === 'history' ? (
        <div id="panel-history" role="tabpanel" aria-labelledby="tab-history">
          <HistoryView key={historyKey} id={id} />
        </div>
      ) : (
        <div id="panel-movements" role="tabpanel" aria-labelledby="tab-movements">
          <StudentMovements id={id} keeper={keeper} onChanged={() => load()} />
        </div>
      )}
    </>
  );
}

function loadErrorRetryable(err: unknown): boolean {
  return !(err instanceof ApiError && (err.code === 'permission_denied' || err.code === 'not_found'));
}

export function BackLink() {
  const { t } = useI18n();
  return (
    <p class="back no-print">
      <a href="/registry" onClick={(e) => linkClick(e, '/registry')} data-testid="back-link">
        ← {t('card.back')}
      </a>
    </p>
  );
}

function CardView({ card, lang }: { card: PersonCard; lang: Lang }) {
  const { t } = useI18n();
  const present = Object.keys(card.fields).filter((k) => card.fields[k] !== '');
  const groups = groupKeys(CORE_KEYS.filter((k) => valueOf(card, k) !== '').concat(present));
  const shown = groupOrder().filter((g) => groups[g]?.length);
  return (
    <div class="cards card-sections">
      {shown.map((g) => (
        <section class="card" key={g} aria-labelledby={'cat-' + g} data-testid={'section-' + g}>
          <h2 id={'cat-' + g} class="card-title">
            {t(('cat.' + g) as MessageKey)}
          </h2>
          <dl class="facts">
            {(groups[g] ?? []).map((k) => (
              <div class="fact" key={k}>
                <dt>{fieldLabel(lang, k)}</dt>
                <dd data-testid={'field-' + k}>{displayValue(lang, k, valueOf(card, k))}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      {present.length === 0 ? (
        <p class="note" data-testid="card-no-fields">
          {t('card.noFields')}
        </p>
      ) : null}
    </div>
  );
}

interface EditProps {
  card: PersonCard;
  keys: string[];
  draft: Record<string, string>;
  setValue: (key: string, value: string) => void;
  errors: Record<string, MessageKey>;
  formError: unknown;
  conflict: boolean;
  saving: boolean;
  onSubmit: (e: Event) => void;
  onCancel: () => void;
  onReload: () => void;
}

function EditForm(props: EditProps) {
  const { lang, t } = useI18n();
  const { keys, errors, formError, conflict, saving } = props;
  const groups = groupKeys(keys);
  return (
    <form class="edit-form" onSubmit={props.onSubmit} noValidate aria-busy={saving} data-testid="edit-form">
      <h2 class="sr-only">{t('card.editTitle')}</h2>
      {conflict ? (
        <div class="alert alert-error alert-row" role="alert" data-testid="conflict-message">
          <span>{t('card.conflict')}</span>
          <button type="button" class="btn btn-secondary" onClick={props.onReload} data-testid="conflict-reload">
            {t('card.reload')}
          </button>
        </div>
      ) : formError ? (
        <div class="alert alert-error" role="alert" data-testid="form-error">
          {formError === 'fields' ? t('card.fixErrors') : errorMessage(lang, formError)}
        </div>
      ) : null}
      {groupOrder().filter((g) => groups[g]?.length).map((g) => (
        <fieldset class="card" key={g}>
          <legend class="card-title">{t(('cat.' + g) as MessageKey)}</legend>
          <div class="form-grid">
            {(groups[g] ?? []).map((k) => (
              <FieldInput
                key={k}
                name={k}
                def={fieldDef(k)}
                value={props.draft[k] ?? ''}
                error={errors[k]}
                onInput={(v) => props.setValue(k, v)}
              />
            ))}
          </div>
        </fieldset>
      ))}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={saving} data-testid="save-button">
          {saving ? t('card.saving') : t('card.save')}
        </button>
        <button type="button" class="btn btn-secondary" onClick={props.onCancel} disabled={saving} data-testid="cancel-button">
          {t('card.cancel')}
        </button>
      </div>
    </form>
  );
}

function FieldInput(props: {
  name: string;
  def: FieldDef | undefined;
  value: string;
  error: MessageKey | undefined;
  onInput: (v: string) => void;
}) {
  const { lang, t } = useI18n();
  const { name, def, value, error } = props;
  const id = 'input-' + name;
  const common = {
    id,
    name,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? 'error-' + name : undefined,
    'data-testid': id,
  };
  const type = def?.type ?? 'text';
  const wide = def?.multiLine === true;
  let control;
  if (def?.choices) {
    const options = def.choices;
    control = (
      <select {...common} value={value} onChange={(e) => props.onInput(e.currentTarget.value)}>
        <option value="">{t('card.notSet')}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {choiceLabel(lang, o)}
          </option>
        ))}
        {value && !options.includes(value) ? <option value={value}>{value}</option> : null}
      </select>
    );
  } else if (wide) {
    control = <textarea {...common} rows={3} value={value} onInput={(e) => props.onInput(e.currentTarget.value)} />;
  } else {
    const inputType = type === 'date' ? 'date' : type === 'phone' ? 'tel' : type === 'email' ? 'email' : 'text';
    control = (
      <input
        {...common}
        type={inputType}
        inputMode={type === 'integer' || type === 'snils' || type === 'inn' ? 'numeric' : undefined}
        autocomplete="off"
        value={value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    );
  }
  return (
    <div class={wide ? 'field field-wide' : 'field'}>
      <label for={id}>{fieldLabel(lang, name)}</label>
      {control}
      <p id={'error-' + name} class="field-error" data-testid={'error-' + name} hidden={!error}>
        {error ? t(error) : ''}
      </p>
    </div>
  );
}

function HistoryView({ id }: { id: number }) {
  const { lang, t } = useI18n();
  const [rows, setRows] = useState<HistoryEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => {
    setError(null);
    getHistory(id).then(setRows, setError);
  };
  useEffect(load, [id]);
  if (error) return <ErrorBox error={error} onRetry={load} />;
  if (!rows) return <p class="status-line" role="status">{t('app.loading')}</p>;
  if (rows.length === 0)
    return (
      <div class="card empty" data-testid="history-empty">
        {t('hist.empty')}
      </div>
    );
  const show = (k: string, v: string | null) => (v === null || v === '' ? '—' : displayValue(lang, k, v));
  return (
    <table class="table stack" data-testid="history-table">
      <thead>
        <tr>
          <th scope="col">{t('hist.when')}</th>
          <th scope="col">{t('hist.field')}</th>
          <th scope="col">{t('hist.old')}</th>
          <th scope="col">{t('hist.new')}</th>
          <th scope="col">{t('hist.who')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((h, i) => (
          <tr key={i} data-testid="history-row">
            <td data-label={t('hist.when')}>{formatTime(lang, Date.parse(h.changedAt))}</td>
            <td data-label={t('hist.field')} data-testid="history-field">{fieldLabel(lang, h.field)}</td>
            <td data-label={t('hist.old')}>{show(h.field, h.oldValue)}</td>
            <td data-label={t('hist.new')} data-testid="history-new">{show(h.field, h.newValue)}</td>
            <td data-label={t('hist.who')} class="mono">{h.changedBy}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function formatTime(lang: Lang, ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return new Date(ms).toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-GB', {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
}

// ---------------------------------------------------------------- the access log

export function AuditPage() {
  const { lang, t } = useI18n();
  const [rows, setRows] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => {
    setError(null);
    getAudit(200).then(setRows, setError);
  };
  useEffect(load, []);
  return (
    <>
      <div class="title-row">
        <PageTitle text={t('nav.audit')} />
        <PrintButton />
      </div>
      {error ? <ErrorBox error={error} onRetry={load} testId="audit-error" /> : null}
      {!rows && !error ? <p class="status-line" role="status">{t('app.loading')}</p> : null}
      {rows && rows.length === 0 ? (
        <div class="card empty" data-testid="audit-empty">
          {t('audit.empty')}
        </div>
      ) : null}
      {rows && rows.length > 0 ? (
        <table class="table stack" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">{t('audit.when')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.subject')}</th>
              <th scope="col">{t('audit.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => {
              const href = r.subjectType === 'person' && r.subjectId ? '/registry/' + r.subjectId : '';
              return (
                <tr key={i} data-testid="audit-row">
                  <td data-label={t('audit.when')}>{formatTime(lang, r.at * 1000)}</td>
                  <td data-label={t('audit.actor')} class="mono">{r.actor}</td>
                  <td data-label={t('audit.action')}>{translateDynamic(lang, 'audit.a.' + r.action) ?? r.action}</td>
                  <td data-label={t('audit.subject')}>
                    {href ? (
                      <a href={href} onClick={(e) => linkClick(e, href)}>
                        № {r.subjectId}
                      </a>
                    ) : (
                      r.subjectType || '—'
                    )}
                  </td>
                  <td data-label={t('audit.detail')}>
                    {r.detail
                      ? r.action === 'card.update'
                        ? r.detail.split(',').map((k) => fieldLabel(lang, k)).join(', ')
                        : r.action.startsWith('movement.') && r.detail.startsWith('order ')
                          ? `${t('audit.order')} ${r.detail.slice(6)}`
                          : translateDynamic(lang, 'audit.d.' + r.detail) ?? r.detail
                      : '—'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
