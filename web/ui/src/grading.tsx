// Grading settings (/grading, edit_grading): the kinds of marks with their
// weights in the average (PUT /grading/kinds/{code}), and which scale a grade
// or a subject of a grade uses in a school year (PUT /grading/uses), from
// GET /grading/scales.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api';
import { useYear, YearPicker } from './academic';
import { errorMessage } from './errors';
import { Field } from './forms';
import { useI18n } from './i18n';
import { getGrading, putKind, putScaleUse, type Grading } from './lessons-api';
import { PageTitle } from './pages';
import { ErrorBox } from './registry';
import { SUBJECT_CODES, subjectName } from './subjects';

export function GradingPage() {
  const { lang, t } = useI18n();
  const y = useYear();
  const [g, setG] = useState<Grading | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [kinds, setKinds] = useState<Record<string, { name: string; weight: string }>>({});
  const [kindMsg, setKindMsg] = useState<{ code: string; ok: boolean; text: string } | null>(null);
  const [use, setUse] = useState({ grade: '0', subjectCode: '', scaleCode: '' });
  const [useMsg, setUseMsg] = useState<{ ok: boolean; text: string } | null>(null);

  const load = () => {
    setError(null);
    getGrading().then((x) => {
      setG(x);
      setKinds(Object.fromEntries(x.kinds.map((k) => [k.code, { name: k.name, weight: String(k.weight) }])));
      setUse((u) => ({ ...u, scaleCode: u.scaleCode || x.scales[0]?.code || '' }));
    }, setError);
  };
  useEffect(load, []);

  const num = (s: string) => Number(s.replace(',', '.'));

  const saveKind = async (code: string) => {
    const k = kinds[code];
    if (!k) return;
    const w = num(k.weight);
    if (!k.name.trim()) {
      setKindMsg({ code, ok: false, text: t('gr.noName') });
      return;
    }
    if (!Number.isFinite(w) || w <= 0 || w > 100) {
      setKindMsg({ code, ok: false, text: t('gr.badWeight') });
      document.getElementById('gr-weight-' + code)?.focus();
      return;
    }
    try {
      await putKind(code, k.name.trim(), w);
      setKindMsg({ code, ok: true, text: t('gr.saved') });
      getGrading().then(setG, () => undefined);
    } catch (e) {
      setKindMsg({ code, ok: false, text: e instanceof ApiError && /^weight/.test(e.message) ? t('gr.badWeight') : errorMessage(lang, e) });
    }
  };

  const saveUse = async () => {
    if (y.year === null || !use.scaleCode) return;
    try {
      await putScaleUse({ year: y.year, grade: Number(use.grade), subjectCode: use.subjectCode, scaleCode: use.scaleCode });
      setUseMsg({ ok: true, text: t('gr.saved') });
      setG(await getGrading());
    } catch (e) {
      setUseMsg({ ok: false, text: errorMessage(lang, e) });
    }
  };

  const scaleName = (code: string) => g?.scales.find((s) => s.code === code)?.name ?? code;
  const gradeName = (n: number) => (n === 0 ? t('gr.allGrades') : t('gr.grade').replace('{n}', String(n)));
  const uses = (g?.uses ?? []).filter((u) => u.year === y.year).sort((a, b) => a.grade - b.grade || a.subjectCode.localeCompare(b.subjectCode));

  return (
    <>
      <PageTitle text={t('nav.grading')} />
      {y.years && y.years.length > 1 ? <YearPicker years={y.years} year={y.year} onChange={y.setYear} /> : null}
      {error ? <ErrorBox error={error} onRetry={load} testId="gr-error" /> : null}
      {!g && !error ? (
        <p class="status-line" role="status">
          {t('app.loading')}
        </p>
      ) : null}
      {g ? (
        <>
          <section class="card block" aria-labelledby="gr-kinds-title" data-testid="gr-kinds">
            <h2 id="gr-kinds-title" class="card-title">
              {t('gr.kinds')}
            </h2>
            <p class="note">{t('gr.kindsNote')}</p>
            <table class="table stack">
              <caption class="sr-only">{t('gr.kinds')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('gr.code')}</th>
                  <th scope="col">{t('gr.name')}</th>
                  <th scope="col">{t('gr.weight')}</th>
                  <th scope="col">
                    <span class="sr-only">{t('pl.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {g.kinds.map((k) => {
                  const v = kinds[k.code] ?? { name: k.name, weight: String(k.weight) };
                  const set = (p: Partial<typeof v>) => setKinds((x) => ({ ...x, [k.code]: { ...v, ...p } }));
                  return (
                    <tr key={k.code} data-testid="gr-kind" data-code={k.code}>
                      <th scope="row" class="mono">
                        {k.code}
                      </th>
                      <td data-label={t('gr.name')}>
                        <input type="text" maxLength={100} value={v.name} onInput={(e) => set({ name: e.currentTarget.value })}
                          aria-label={t('gr.nameOf').replace('{c}', k.code)} data-testid="gr-kind-name" />
                      </td>
                      <td data-label={t('gr.weight')}>
                        <input id={'gr-weight-' + k.code} type="text" inputMode="decimal" class="gr-weight" maxLength={6} value={v.weight}
                          onInput={(e) => set({ weight: e.currentTarget.value })} aria-label={t('gr.weightOf').replace('{c}', k.name)}
                          aria-invalid={kindMsg && !kindMsg.ok && kindMsg.code === k.code ? true : undefined}
                          data-testid="gr-kind-weight" />
                      </td>
                      <td>
                        <button type="button" class="btn btn-secondary btn-small" onClick={() => void saveKind(k.code)}
                          aria-label={t('gr.saveKind').replace('{c}', k.name)} data-testid="gr-kind-save">
                          {t('kp.save')}
                        </button>
                        {kindMsg && kindMsg.code === k.code ? (
                          <span class={kindMsg.ok ? 'muted' : 'field-error'} role={kindMsg.ok ? 'status' : 'alert'} data-testid="gr-kind-msg">
                            {' '}
                            {kindMsg.text}
                          </span>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {g.rounding ? <p class="note">{t('fn.rounding')}: {t('fn.roundingRule')}</p> : null}
          </section>

          <section class="card block" aria-labelledby="gr-uses-title" data-testid="gr-uses">
            <h2 id="gr-uses-title" class="card-title">
              {t('gr.uses')}
            </h2>
            <p class="note">{t('gr.usesNote')}</p>
            {uses.length ? (
              <table class="table stack">
                <caption class="sr-only">{t('gr.uses')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('gr.gradeCol')}</th>
                    <th scope="col">{t('gr.subject')}</th>
                    <th scope="col">{t('gr.scale')}</th>
                  </tr>
                </thead>
                <tbody>
                  {uses.map((u) => (
                    <tr key={`${u.grade}:${u.subjectCode}`} data-testid="gr-use">
                      <th scope="row">{gradeName(u.grade)}</th>
                      <td data-label={t('gr.subject')}>{u.subjectCode ? subjectName(lang, u.subjectCode) : t('gr.allSubjects')}</td>
                      <td data-label={t('gr.scale')}>{scaleName(u.scaleCode)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p class="note" data-testid="gr-no-uses">
                {t('gr.noUses')}
              </p>
            )}
            <div class="form-grid">
              <Field id="gr-grade" label={t('gr.gradeCol')} value={use.grade} onInput={(v) => setUse((u) => ({ ...u, grade: v }))}
                options={Array.from({ length: 12 }, (_, n) => [String(n), gradeName(n)] as [string, string])} />
              <Field id="gr-subject" label={t('gr.subject')} value={use.subjectCode} onInput={(v) => setUse((u) => ({ ...u, subjectCode: v }))}
                options={[['', t('gr.allSubjects')] as [string, string]].concat(SUBJECT_CODES.map((c) => [c, subjectName(lang, c)] as [string, string]))} />
              <Field id="gr-scale" label={t('gr.scale')} value={use.scaleCode} onInput={(v) => setUse((u) => ({ ...u, scaleCode: v }))}
                options={g.scales.map((s) => [s.code, `${s.name} (${s.values.map((x) => x.value).join(', ')})`] as [string, string])} />
            </div>
            <div class="filter-actions">
              <button type="button" class="btn btn-primary" onClick={() => void saveUse()} data-testid="gr-use-save">
                {t('gr.setUse')}
              </button>
            </div>
            {useMsg ? (
              <p class={useMsg.ok ? 'alert alert-ok' : 'alert alert-error'} role={useMsg.ok ? 'status' : 'alert'} data-testid="gr-use-msg">
                {useMsg.text}
              </p>
            ) : null}
          </section>
        </>
      ) : null}
    </>
  );
}
