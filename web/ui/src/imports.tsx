// Import of people from CSV (a dry run first, then the apply) and the
// register's exports (/imports). Keepers of the register only; the server
// decides, this page only hides what it would refuse.
import { useState } from 'preact/hooks';
import { EXPORT_ONEROSTER_ZIP, EXPORT_PEOPLE_CSV, importPeople, type ImportReport } from './api';
import { errorMessage } from './errors';
import { fieldLabel } from './fields';
import { translateDynamic, useI18n, type Lang, type MessageKey } from './i18n';
import { PageTitle } from './pages';

const MAX_ROWS_SHOWN = 500;

/** Catalogue fields by their label; the import's own columns (class, parent_of, …) from imp.f.*. */
function columnLabel(lang: Lang, key: string): string {
  return translateDynamic(lang, 'imp.f.' + key) ?? fieldLabel(lang, key);
}

export function ImportPage() {
  const { lang, t } = useI18n();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [orderNumber, setOrderNumber] = useState('');
  const [orderDate, setOrderDate] = useState('');
  const [report, setReport] = useState<ImportReport | null>(null);
  const [checked, setChecked] = useState(false); // a clean dry run of this very file and order
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const choose = async (input: HTMLInputElement) => {
    const f = input.files?.[0];
    setReport(null);
    setChecked(false);
    setError(null);
    setFile(f ? { name: f.name, text: await f.text() } : null);
  };
  const run = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const r = await importPeople(file.text, dryRun, { orderNumber, orderDate });
      setReport(r);
      setChecked(dryRun && r.errors.length === 0);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const changed = report ? report.rows.filter((r) => r.action !== 'unchanged') : [];

  return (
    <>
      <PageTitle text={t('nav.imports')} />
      <section class="card" aria-labelledby="export-title">
        <h2 id="export-title" class="card-title">{t('imp.export')}</h2>
        <p>
          <a href={EXPORT_PEOPLE_CSV} download="parta-people.csv" data-testid="export-people">
            {t('imp.exportPeople')}
          </a>
        </p>
        <p>
          <a href={EXPORT_ONEROSTER_ZIP} download="oneroster.zip" data-testid="export-oneroster">
            {t('imp.exportOneRoster')}
          </a>
        </p>
      </section>
      <section class="card" aria-labelledby="import-title">
        <h2 id="import-title" class="card-title">{t('imp.import')}</h2>
        <p>{t('imp.hint')}</p>
        <div class="form-grid">
          <div class="field field-wide">
            <label for="import-file">{t('imp.file')}</label>
            <input
              id="import-file"
              type="file"
              accept=".csv,text/csv"
              onChange={(e) => void choose(e.currentTarget)}
              data-testid="import-file"
            />
          </div>
          <div class="field">
            <label for="import-order">{t('imp.orderNumber')}</label>
            <input
              id="import-order"
              type="text"
              maxLength={64}
              value={orderNumber}
              onInput={(e) => {
                setOrderNumber(e.currentTarget.value);
                setChecked(false);
              }}
              data-testid="import-order-number"
            />
          </div>
          <div class="field">
            <label for="import-order-date">{t('imp.orderDate')}</label>
            <input
              id="import-order-date"
              type="date"
              value={orderDate}
              onInput={(e) => {
                setOrderDate(e.currentTarget.value);
                setChecked(false);
              }}
              data-testid="import-order-date"
            />
          </div>
        </div>
        <div class="form-actions">
          <button
            type="button"
            class="btn btn-secondary"
            disabled={!file || busy}
            onClick={() => void run(true)}
            data-testid="import-check"
          >
            {t('imp.check')}
          </button>
          <button
            type="button"
            class="btn btn-primary"
            disabled={!checked || busy}
            onClick={() => void run(false)}
            data-testid="import-apply"
          >
            {t('imp.apply')}
          </button>
        </div>
      </section>
      {busy ? <p class="status-line" role="status">{t('app.loading')}</p> : null}
      {error ? (
        <div class="alert alert-error" role="alert" data-testid="import-error">
          {errorMessage(lang, error)}
        </div>
      ) : null}
      {report ? (
        <section class="card" aria-labelledby="report-title" data-testid="import-report">
          <h2 id="report-title" class="card-title">
            {report.dryRun ? t('imp.reportDry') : report.errors.length ? t('imp.reportRefused') : t('imp.reportDone')}
          </h2>
          <ul class="chips" data-testid="import-summary">
            {(['create', 'update', 'unchanged', 'errors'] as const).map((k) => (
              <li class="chip" key={k} data-testid={'import-count-' + k}>
                {t(('imp.count.' + k) as MessageKey)}: {report.summary[k]}
              </li>
            ))}
          </ul>
          {report.errors.length ? (
            <table class="table stack" data-testid="import-errors">
              <thead>
                <tr>
                  <th scope="col">{t('imp.line')}</th>
                  <th scope="col">{t('imp.field')}</th>
                  <th scope="col">{t('imp.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {report.errors.map((e, i) => (
                  <tr key={i} data-testid="import-error-row">
                    <td data-label={t('imp.line')}>{e.line || '—'}</td>
                    <td data-label={t('imp.field')} class="mono">{e.field ? columnLabel(lang, e.field) : '—'}</td>
                    <td data-label={t('imp.problem')}>{e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {changed.length ? (
            <table class="table stack" data-testid="import-rows">
              <thead>
                <tr>
                  <th scope="col">{t('imp.line')}</th>
                  <th scope="col">{t('imp.ref')}</th>
                  <th scope="col">{t('imp.action')}</th>
                  <th scope="col">{t('imp.fields')}</th>
                </tr>
              </thead>
              <tbody>
                {changed.slice(0, MAX_ROWS_SHOWN).map((r) => (
                  <tr key={r.line} data-testid="import-row">
                    <td data-label={t('imp.line')}>{r.line}</td>
                    <td data-label={t('imp.ref')} class="mono">{r.ref}</td>
                    <td data-label={t('imp.action')}>{t(('imp.a.' + r.action) as MessageKey)}</td>
                    <td data-label={t('imp.fields')}>{r.fields.map((f) => columnLabel(lang, f)).join(', ') || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {changed.length > MAX_ROWS_SHOWN ? <p>{t('imp.more')}</p> : null}
        </section>
      ) : null}
    </>
  );
}
