// Consent to processing personal data: recorded (date, the paper's reference)
// or withdrawn on a card by those who may edit it; and the report of people
// without consent (/reports/without-consent) for the register's keepers and
// the principal, printable with the stamp.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, peopleWithoutConsent, recordConsent, withdrawConsent, type PersonCard, type PersonKind, type PersonSummary } from './api';
import { errorMessage } from './errors';
import { Field, FormAlert, fieldOfError, today } from './forms';
import { useI18n, type MessageKey } from './i18n';
import { PageTitle } from './pages';
import { ErrorBox, PeopleTable, PrintButton } from './registry';
import { linkClick } from './router';

type Mode = 'record' | 'withdraw';

export function ConsentPanel({ card, onChanged }: { card: PersonCard; onChanged: (notice: MessageKey) => void }) {
  const { lang, t } = useI18n();
  const [mode, setMode] = useState<Mode | null>(null);
  const [givenOn, setGivenOn] = useState(today());
  const [documentRef, setDocumentRef] = useState('');
  const [on, setOn] = useState(today());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const id = card.person.id;
  const next: Mode = card.consent ? 'withdraw' : 'record';

  const open = () => {
    setErrors({});
    setFormError(null);
    setMode(next);
    setTimeout(() => document.getElementById(next === 'record' ? 'consent-givenOn' : 'consent-on')?.focus(), 0);
  };
  const close = () => {
    setMode(null);
    setTimeout(() => document.getElementById('consent-button')?.focus(), 0);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (saving || !mode) return;
    setErrors({});
    setFormError(null);
    setSaving(true);
    try {
      if (mode === 'record') await recordConsent(id, givenOn, documentRef.trim());
      else await withdrawConsent(id, on);
      setMode(null);
      onChanged(mode === 'record' ? 'cs.recorded' : 'cs.withdrawn');
      setTimeout(() => document.getElementById('consent-button')?.focus(), 0);
    } catch (err) {
      const named = fieldOfError(err);
      // The server calls the withdrawal date "withdrawnOn"; the form calls it "on".
      const field = named ? (named.field === 'withdrawnOn' ? 'on' : named.field) : '';
      const here = mode === 'record' ? ['givenOn', 'documentRef'] : ['on'];
      if (named && here.includes(field)) {
        let text: string;
        if (field === 'documentRef') text = documentRef.trim() ? t('fe.long') : t('fe.required');
        else text = (field === 'on' ? on : givenOn) ? t('fe.date') : t('fe.required');
        setErrors({ [field]: text });
        setFormError(t('card.fixErrors'));
        setTimeout(() => document.getElementById('consent-' + field)?.focus(), 0);
      } else if (err instanceof ApiError && err.code === 'already_exists') {
        setFormError(t('cs.already'));
      } else if (err instanceof ApiError && err.code === 'not_found' && mode === 'withdraw') {
        setFormError(t('cs.none'));
      } else {
        setFormError(errorMessage(lang, err));
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <div class="consent no-print">
      {!mode ? (
        <button type="button" id="consent-button" class="btn btn-secondary" onClick={open} data-testid="consent-button">
          {t(next === 'record' ? 'cs.record' : 'cs.withdraw')}
        </button>
      ) : (
        <form class="edit-form" onSubmit={submit} noValidate aria-busy={saving} data-testid="consent-form">
          <fieldset class="card">
            <legend class="card-title">{t(mode === 'record' ? 'cs.record' : 'cs.withdraw')}</legend>
            {formError ? <FormAlert testId="consent-error">{formError}</FormAlert> : null}
            {mode === 'withdraw' ? <p class="note">{t('cs.withdrawNote')}</p> : null}
            <div class="form-grid">
              {mode === 'record' ? (
                <>
                  <Field id="consent-givenOn" label={t('cs.givenOn')} type="date" required value={givenOn} onInput={setGivenOn} error={errors.givenOn} />
                  <Field
                    id="consent-documentRef"
                    label={t('cs.documentRef')}
                    hint={t('cs.documentHint')}
                    required
                    maxLength={200}
                    value={documentRef}
                    onInput={setDocumentRef}
                    error={errors.documentRef}
                  />
                </>
              ) : (
                <Field id="consent-on" label={t('cs.on')} type="date" required value={on} onInput={setOn} error={errors.on} />
              )}
            </div>
            <div class="filter-actions">
              <button type="submit" class="btn btn-primary" disabled={saving} data-testid="consent-submit">
                {saving ? t('card.saving') : t('card.save')}
              </button>
              <button type="button" class="btn btn-secondary" onClick={close} disabled={saving} data-testid="consent-cancel">
                {t('card.cancel')}
              </button>
            </div>
          </fieldset>
        </form>
      )}
    </div>
  );
}

// ---------------------------------------------------------------- reports

export function ReportsPage() {
  const { t } = useI18n();
  const href = '/reports/without-consent';
  return (
    <>
      <PageTitle text={t('nav.reports')} />
      <div class="cards">
        <section class="card" aria-labelledby="rep-no-consent">
          <h2 id="rep-no-consent" class="card-title">
            <a href={href} onClick={(e) => linkClick(e, href)} data-testid="report-without-consent">
              {t('rep.noConsent')}
            </a>
          </h2>
          <p class="note">{t('rep.noConsentHint')}</p>
        </section>
      </div>
      <p class="note" data-testid="reports-later">
        {t('rep.later')}
      </p>
    </>
  );
}

const KINDS: PersonKind[] = ['student', 'staff', 'parent'];

export function WithoutConsentPage() {
  const { t } = useI18n();
  const [rows, setRows] = useState<PersonSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [kind, setKind] = useState('');
  const load = () => {
    setError(null);
    peopleWithoutConsent().then(setRows, setError);
  };
  useEffect(load, []);
  const shown = rows ? rows.filter((p) => !kind || p.kind === kind) : [];
  return (
    <>
      <p class="back no-print">
        <a href="/reports" onClick={(e) => linkClick(e, '/reports')} data-testid="back-link">
          ← {t('rep.back')}
        </a>
      </p>
      <div class="title-row">
        <PageTitle text={t('rep.noConsent')} />
        <PrintButton />
      </div>
      <div class="toolbar no-print">
        <div class="search">
          <Field
            id="report-kind"
            label={t('reg.kinds')}
            value={kind}
            onInput={setKind}
            options={[['', t('rep.all')] as [string, string]].concat(
              KINDS.map((k) => [k, t(('reg.kind.' + k) as MessageKey)] as [string, string]),
            )}
          />
        </div>
      </div>
      <p class="print-only print-caption">{kind ? t(('reg.kind.' + kind) as MessageKey) : t('rep.all')}</p>
      {error ? <ErrorBox error={error} onRetry={load} testId="report-error" /> : null}
      {!rows && !error ? <p class="status-line" role="status">{t('app.loading')}</p> : null}
      {rows && shown.length === 0 ? (
        <div class="card empty" data-testid="report-empty">
          {t('rep.none')}
        </div>
      ) : null}
      {shown.length > 0 ? <PeopleTable people={shown} testId="report" rowTestId="report-row-" withKind /> : null}
      {rows ? (
        <p class="status-line" role="status" data-testid="report-status">
          {t('rep.count')}: {shown.length}
        </p>
      ) : null}
    </>
  );
}
