// The federation pages (issue 5), loaded lazily by Frame (esbuild splitting):
//  - /federation: this node towards its parent (school, municipal): key,
//    parent or the enrolment form, the outbox, "send now";
//  - /nodes: a hub's children (status, last contact, backlog, key epoch,
//    version, last sequence), revoke, enrolment codes, alarms;
//  - /returns: a period's returns, children × tables, approvals;
//  - /summary-reports: a consolidated table with totals, chart, print, CSV, XLSX.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type Session } from './api';
import { latest, useNewest } from './load';
import { errorMessage } from './errors';
import {
  approveReturn, enrol, getAlarms, getHubAudit, reportExportUrl, rotateKey, getCatalogue, getChildren, getFedStatus, getReport, getReturns, issueCode,
  releaseNow, revokeChild, getDocuments, publishPolicy, publishCatalogue,
  type FedDocuments,
  type Alarm, type AuditEntry, type CatalogueTable, type Child, type FedStatus, type IssuedCode, type Report, type ReportCell,
  type ReturnCell, type ReturnChild,
} from './fed-api';
import { useFedT, type FedT } from './fed-i18n';
import { Field } from './forms';
import type { Lang } from './i18n';
import { PageTitle } from './pages';
import { ErrorBox } from './registry';

// ---------------------------------------------------------------- shared bits

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** A school releases daily: no contact for longer than a day and a bit is worth a look. */
const OLD_CONTACT_MS = 26 * HOUR;

function ms(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

function ageText(f: FedT, iso: string | null | undefined, ago = true): string {
  const t = ms(iso);
  if (t === null) return f('age.never');
  const d = Math.max(0, Date.now() - t);
  if (d < MIN) return f('age.now');
  if (d < HOUR) return f(ago ? 'age.min' : 'age.minFor', { n: Math.floor(d / MIN) });
  if (d < DAY) return f(ago ? 'age.hour' : 'age.hourFor', { n: Math.floor(d / HOUR) });
  return f(ago ? 'age.day' : 'age.dayFor', { n: Math.floor(d / DAY) });
}

function when(lang: Lang, iso: string | null | undefined): string {
  const t = ms(iso);
  if (t === null) return '—';
  return new Date(t).toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-GB', {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  });
}

/** The key as people compare it over the phone: groups of four hex digits. */
function fingerprint(hex: string): string {
  return (hex.toUpperCase().match(/.{1,4}/g) ?? []).join(' ');
}

function Fact({ label, children, testId }: { label: string; children: ComponentChildren; testId: string }) {
  return (
    <div class="fact">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

/** A horizontally scrollable box for a wide table, reachable by keyboard. */
function Scroll({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="fed-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

// ---------------------------------------------------------------- /federation

export function FederationPage({ permissions }: { permissions: string[] }) {
  const { lang, f, fd } = useFedT();
  const manage = permissions.includes('manage_federation');
  const [s, setS] = useState<FedStatus | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [url, setUrl] = useState('');
  const [code, setCode] = useState('');
  const [enrolError, setEnrolError] = useState<{ field?: 'url' | 'code'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const newest = useNewest();
  const load = () =>
    newest(
      getFedStatus(),
      (x) => {
        setS(x);
        setError(null);
      },
      setError,
    );
  useEffect(() => {
    load();
  }, []);
  // While something waits to go, the page follows the relay.
  const pending = s?.outbox?.pending ?? 0;
  useEffect(() => {
    if (pending === 0) return;
    const timer = setInterval(load, 3000);
    return () => clearInterval(timer);
  }, [pending]);

  const doEnrol = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (!code.trim()) {
      setEnrolError({ field: 'code', text: f('fed.noCode') });
      document.getElementById('fe-code')?.focus();
      return;
    }
    setBusy(true);
    setEnrolError(null);
    try {
      await enrol(url.trim(), code.trim());
      setNotice(f('fed.enrolled'));
      setCode('');
      await load();
    } catch (err) {
      const field = err instanceof ApiError && /^parentUrl/.test(err.message) ? 'url' : err instanceof ApiError && /^code/.test(err.message) ? 'code' : undefined;
      setEnrolError({ field, text: errorMessage(lang, err) });
    } finally {
      setBusy(false);
    }
  };

  const [askRotate, setAskRotate] = useState(false);
  useEffect(() => {
    if (askRotate) document.querySelector<HTMLElement>('[data-testid=rotate-no]')?.focus();
  }, [askRotate]);
  const doRotate = async () => {
    if (busy) return;
    setBusy(true);
    setNotice(null);
    try {
      const r = await rotateKey();
      setAskRotate(false);
      setNotice(f('fed.rotated', { n: r.keyEpoch }));
      await load();
    } catch (err) {
      setAskRotate(false);
      if (err instanceof ApiError && err.status === 409) setNotice(f('fed.rotatePending'));
      else if (err instanceof ApiError && (err.status === 502 || err.code === 'unavailable')) setNotice(f('fed.rotateLater'));
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const doRelease = async () => {
    if (busy) return;
    setBusy(true);
    setNotice(null);
    try {
      const q = await releaseNow();
      setNotice(q.length ? f('fed.released', { n: q.length }) : f('fed.releasedNone'));
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const ob = s?.outbox;
  return (
    <>
      <PageTitle text={f('fed.title')} />
      {error ? <ErrorBox error={error} onRetry={load} testId="fed-error" /> : null}
      {notice ? (
        <p class="alert alert-ok" role="status" data-testid="fed-notice">
          {notice}
        </p>
      ) : null}
      {s ? (
        <div class="cards">
          <section class="card" aria-labelledby="fed-node">
            <h2 id="fed-node" class="card-title">{f('fed.node')}</h2>
            <dl class="facts">
              <Fact label={f('fed.nodeCode')} testId="fed-node-code">
                <span class="mono">{s.node.code}</span>
              </Fact>
              <Fact label={f('fed.fingerprint')} testId="fed-fingerprint">
                <span class="mono fed-key">{fingerprint(s.node.publicKey)}</span>
              </Fact>
              <Fact label={f('fed.epoch')} testId="fed-epoch">
                {s.node.keyEpoch}
              </Fact>
            </dl>
            {manage && s.node.role === 'school' && s.parent ? (
              askRotate ? (
                <div class="fed-confirm" role="alertdialog" aria-labelledby="rotate-ask" data-testid="rotate-confirm">
                  <p id="rotate-ask">{f('fed.rotateAsk')}</p>
                  <div class="fed-actions">
                    <button type="button" class="btn btn-primary" disabled={busy} onClick={doRotate} data-testid="rotate-yes">
                      {f('fed.rotateYes')}
                    </button>
                    <button type="button" class="btn btn-secondary" onClick={() => setAskRotate(false)} data-testid="rotate-no">
                      {f('nodes.revokeNo')}
                    </button>
                  </div>
                </div>
              ) : (
                <div class="fed-actions">
                  <button type="button" class="btn btn-secondary" onClick={() => setAskRotate(true)} data-testid="fed-rotate">
                    {f('fed.rotate')}
                  </button>
                </div>
              )
            ) : null}
          </section>
          <section class="card" aria-labelledby="fed-parent">
            <h2 id="fed-parent" class="card-title">{f('fed.parent')}</h2>
            {s.parent ? (
              <dl class="facts" data-testid="fed-parent">
                <Fact label={f('fed.parentCode')} testId="fed-parent-code">
                  <span class="mono">{s.parent.code}</span>
                </Fact>
                <Fact label={f('fed.parentUrl')} testId="fed-parent-url">
                  <span class="mono fed-key">{s.parent.url}</span>
                </Fact>
                <Fact label={f('fed.parentKey')} testId="fed-parent-key">
                  <span class="mono fed-key">{fingerprint(s.parent.publicKey)}</span>
                </Fact>
                <Fact label={f('fed.epoch')} testId="fed-parent-epoch">
                  {s.parent.keyEpoch}
                </Fact>
                {s.parent.pinnedAt ? (
                  <Fact label={f('fed.pinnedAt')} testId="fed-parent-pinned">
                    {when(lang, s.parent.pinnedAt)}
                  </Fact>
                ) : null}
              </dl>
            ) : (
              <>
                <p class="note" data-testid="fed-no-parent">{f('fed.noParent')}</p>
                {manage ? (
                  <form class="fed-form" onSubmit={doEnrol} data-testid="enrol-form" noValidate>
                    <Field
                      id="fe-url"
                      label={f('fed.enrolUrl')}
                      value={url}
                      onInput={setUrl}
                      hint={f('fed.enrolUrlHint')}
                      error={enrolError?.field === 'url' ? enrolError.text : undefined}
                    />
                    <Field
                      id="fe-code"
                      label={f('fed.enrolCode')}
                      value={code}
                      onInput={setCode}
                      hint={f('fed.enrolCodeHint')}
                      required
                      autocomplete="off"
                      error={enrolError?.field === 'code' ? enrolError.text : undefined}
                    />
                    {enrolError && !enrolError.field ? (
                      <p class="alert alert-error" role="alert" data-testid="fe-error">
                        {enrolError.text}
                      </p>
                    ) : null}
                    <button type="submit" class="btn btn-primary" disabled={busy} data-testid="fe-submit">
                      {busy ? f('fed.enrolling') : f('fed.enrolSubmit')}
                    </button>
                  </form>
                ) : null}
              </>
            )}
          </section>
          {ob ? (
            <section class="card" aria-labelledby="fed-outbox">
              <h2 id="fed-outbox" class="card-title">{f('fed.outbox')}</h2>
              <dl class="facts" data-testid="fed-outbox">
                <Fact label={f('fed.pending')} testId="ob-pending">{ob.pending}</Fact>
                <Fact label={f('fed.oldestPending')} testId="ob-oldest">
                  {ob.oldestPendingAt ? ageText(f, ob.oldestPendingAt) : f('fed.none')}
                </Fact>
                <Fact label={f('fed.acknowledged')} testId="ob-acked">{ob.acknowledged}</Fact>
                <Fact label={f('fed.rejectedCount')} testId="ob-rejected">{ob.rejected}</Fact>
                <Fact label={f('fed.lastAttempt')} testId="ob-last-attempt">
                  {when(lang, ob.lastAttemptAt)}
                </Fact>
                <Fact label={f('fed.lastError')} testId="ob-last-error">
                  {ob.lastError ? <span class="fed-error-text">{ob.lastError}</span> : f('fed.none')}
                </Fact>
                <Fact label={f('fed.nextAttempt')} testId="ob-next">
                  {when(lang, ob.nextAttemptAt)}
                </Fact>
              </dl>
              <div class="fed-actions">
                {manage && s.node.role === 'school' ? (
                  <button type="button" class="btn btn-primary" onClick={doRelease} disabled={busy} data-testid="fed-release">
                    {busy ? f('fed.releasing') : f('fed.releaseNow')}
                  </button>
                ) : null}
                <button type="button" class="btn btn-secondary" onClick={load} data-testid="fed-refresh">
                  {f('fed.refresh')}
                </button>
              </div>
            </section>
          ) : null}
          {s.rejected.length ? (
            <section class="card" aria-labelledby="fed-rejected">
              <h2 id="fed-rejected" class="card-title">{f('fed.rejected')}</h2>
              <table class="table stack" data-testid="fed-rejected">
                <thead>
                  <tr>
                    <th scope="col">{f('fed.channel')}</th>
                    <th scope="col">{f('fed.sequence')}</th>
                    <th scope="col">{f('fed.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {s.rejected.map((r) => (
                    <tr key={r.channel + r.sequence} data-testid="fed-rejected-row">
                      <td data-label={f('fed.channel')}>{fd('channel.' + r.channel) ?? r.channel}</td>
                      <td data-label={f('fed.sequence')}>{r.sequence}</td>
                      <td data-label={f('fed.reason')} class="mono">{r.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ) : null}
          <DocumentsCard permissions={permissions} />
        </div>
      ) : null}
    </>
  );
}

// ---------------------------------------------------------------- catalogue and policy

/** The signed documents this node works under; on the regional node, with
 *  manage_federation, the form that publishes the next version. */
function DocumentsCard({ permissions }: { permissions: string[] }) {
  const { lang, f, fd } = useFedT();
  const [docs, setDocs] = useState<FedDocuments | null>(null);
  const [regional, setRegional] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [kind, setKind] = useState<'policy' | 'catalogue'>('policy');
  const [version, setVersion] = useState('');
  const [k, setK] = useState('5');
  const [rounding, setRounding] = useState('5');
  const [schedule, setSchedule] = useState('daily 18:30');
  const [validFor, setValidFor] = useState('365d');
  const [formError, setFormError] = useState<{ field?: string; text: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    try {
      const [d, s] = await Promise.all([getDocuments(), getFedStatus()]);
      setDocs(d);
      setRegional(s.node.role === 'regional');
      const current = kind === 'policy' ? d.policy : d.catalogue;
      setVersion(String((current?.version ?? 1) + 1));
      if (d.policy?.policy) {
        setK(String(d.policy.policy.k));
        setRounding(String(d.policy.policy.roundingBase));
        setSchedule(d.policy.policy.schedule);
      }
      setError(null);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => {
    load();
  }, []);

  const publish = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const n = Number(version);
    if (!Number.isInteger(n) || n <= 0) {
      setFormError({ field: 'version', text: f('doc.version') + ': 1, 2, 3…' });
      return;
    }
    setBusy(true);
    setFormError(null);
    setNotice(null);
    try {
      if (kind === 'policy') await publishPolicy(n, { k: Number(k), roundingBase: Number(rounding), schedule }, validFor);
      else await publishCatalogue(n, validFor);
      setNotice(f('doc.published', { kind: kind === 'policy' ? f('doc.policy') : f('doc.catalogue'), n }));
      await load();
    } catch (err) {
      const m = err instanceof ApiError ? err.message : '';
      const field = ['version', 'k', 'roundingBase', 'schedule', 'validFor'].find((x) => m.startsWith(x + ':') || m.includes(' ' + x + ':'));
      setFormError({ field: field ?? (err instanceof ApiError && (err.status === 409 || err.status === 422) ? 'version' : undefined), text: errorMessage(lang, err) });
    } finally {
      setBusy(false);
    }
  };

  const manage = permissions.includes('manage_federation');
  const pol = docs?.policy?.policy;
  const err = (field: string) => (formError?.field === field ? formError.text : undefined);
  return (
    <section class="card" aria-labelledby="doc-title" data-testid="documents">
      <h2 id="doc-title" class="card-title">{f('doc.title')}</h2>
      {error ? <ErrorBox error={error} onRetry={load} testId="doc-error" /> : null}
      {notice ? (
        <p class="alert alert-ok" role="status" data-testid="doc-notice">
          {notice}
        </p>
      ) : null}
      {docs ? (
        <>
          <h3>{f('doc.policy')}</h3>
          {docs.policy && pol ? (
            <dl class="facts" data-testid="doc-policy">
              <Fact label={f('doc.version')} testId="doc-policy-version">{docs.policy.version}</Fact>
              <Fact label={f('doc.k')} testId="doc-policy-k">{pol.k}</Fact>
              <Fact label={f('doc.rounding')} testId="doc-policy-rounding">{pol.roundingBase > 1 ? pol.roundingBase : f('doc.noRounding')}</Fact>
              <Fact label={f('doc.schedule')} testId="doc-policy-schedule"><span class="mono">{pol.schedule}</span></Fact>
              <Fact label={f('doc.expires')} testId="doc-policy-expires">{when(lang, docs.policy.expiresAt)}</Fact>
              <Fact label={f('doc.signer')} testId="doc-policy-signer"><span class="mono fed-key">{fingerprint(docs.policy.signer)}</span></Fact>
            </dl>
          ) : (
            <p class="note" data-testid="doc-policy-none">{f('doc.none')}</p>
          )}
          <h3>{f('doc.catalogue')}</h3>
          {docs.catalogue ? (
            <dl class="facts" data-testid="doc-catalogue">
              <Fact label={f('doc.version')} testId="doc-catalogue-version">{docs.catalogue.version}</Fact>
              <Fact label={f('doc.tables')} testId="doc-catalogue-tables">{docs.catalogue.tables?.length ?? 0}</Fact>
              <Fact label={f('doc.expires')} testId="doc-catalogue-expires">{when(lang, docs.catalogue.expiresAt)}</Fact>
            </dl>
          ) : (
            <p class="note" data-testid="doc-catalogue-none">{f('doc.noneCatalogue')}</p>
          )}
          {docs.refused.length ? (
            <Scroll label={f('doc.refused')}>
              <table class="table stack" data-testid="doc-refused">
                <caption>{f('doc.refused')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{f('doc.kind')}</th>
                    <th scope="col">{f('doc.version')}</th>
                    <th scope="col">{f('doc.reason')}</th>
                    <th scope="col">{f('doc.at')}</th>
                  </tr>
                </thead>
                <tbody>
                  {docs.refused.map((r) => (
                    <tr key={r.kind + r.at} data-testid="doc-refused-row">
                      <td data-label={f('doc.kind')}>{r.kind === 'policy' ? f('doc.policy') : f('doc.catalogue')}</td>
                      <td data-label={f('doc.version')}>{r.version ?? '—'}</td>
                      <td data-label={f('doc.reason')} class="mono" title={r.detail}>{fd('docReason.' + r.reason) ?? r.reason}</td>
                      <td data-label={f('doc.at')}>{when(lang, r.at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
          ) : null}
          {regional && manage ? (
            <form class="fed-form" onSubmit={publish} data-testid="doc-form" noValidate>
              <h3>{f('doc.publish')}</h3>
              <Field
                id="doc-kind"
                label={f('doc.publishKind')}
                value={kind}
                onInput={(v) => {
                  const next = v === 'catalogue' ? 'catalogue' : 'policy';
                  setKind(next);
                  const current = next === 'policy' ? docs.policy : docs.catalogue;
                  setVersion(String((current?.version ?? 1) + 1));
                }}
                options={[['policy', f('doc.kindPolicy')], ['catalogue', f('doc.kindCatalogue')]]}
              />
              <Field id="doc-version" label={f('doc.version')} value={version} onInput={setVersion} required error={err('version')} />
              {kind === 'policy' ? (
                <>
                  <Field id="doc-k" label={f('doc.k')} value={k} onInput={setK} hint={f('doc.kHint')} error={err('k')} />
                  <Field id="doc-rounding" label={f('doc.rounding')} value={rounding} onInput={setRounding} hint={f('doc.roundingHint')} error={err('roundingBase')} />
                  <Field id="doc-schedule" label={f('doc.schedule')} value={schedule} onInput={setSchedule} hint={f('doc.scheduleHint')} error={err('schedule')} />
                </>
              ) : null}
              <Field id="doc-valid" label={f('doc.validFor')} value={validFor} onInput={setValidFor} hint={f('doc.validForHint')} error={err('validFor')} />
              {formError && !formError.field ? (
                <p class="alert alert-error" role="alert" data-testid="doc-form-error">
                  {formError.text}
                </p>
              ) : null}
              <button type="submit" class="btn btn-primary" disabled={busy} data-testid="doc-submit">
                {busy ? f('doc.publishing') : f('doc.publish')}
              </button>
            </form>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

// ---------------------------------------------------------------- /nodes

const NODE_CODE = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function NodesPage({ permissions }: { permissions: string[] }) {
  const { lang, f, fd } = useFedT();
  const manage = permissions.includes('manage_federation');
  const [children, setChildren] = useState<Child[] | null>(null);
  const [alarms, setAlarms] = useState<Alarm[]>([]);
  const [audit, setAudit] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [asking, setAsking] = useState<Child | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [form, setForm] = useState({ nodeCode: '', name: '', inn: '', ogrn: '', ooCode: '', validFor: '72h' });
  const [formErr, setFormErr] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [issued, setIssued] = useState<IssuedCode | null>(null);
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  const codeRef = useRef<HTMLElement>(null);

  const newest = useNewest();
  const load = () =>
    newest(
      Promise.all([getChildren(), getAlarms(), getHubAudit()]),
      ([c, a, log]) => {
        setChildren(c);
        setAlarms(a);
        setAudit(log);
        setError(null);
      },
      setError,
    );
  useEffect(() => {
    load();
    const timer = setInterval(load, 10000);
    return () => clearInterval(timer);
  }, []);

  // A confirmation takes the focus (on its safe answer), so keyboard and screen-reader users land on it.
  useEffect(() => {
    if (asking) document.querySelector<HTMLElement>('[data-testid=revoke-no]')?.focus();
  }, [asking]);

  const revoke = async (c: Child) => {
    setBusy(true);
    try {
      await revokeChild(c.code);
      setNotice(f('nodes.revoked', { name: c.name }));
      setAsking(null);
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const set = (k: keyof typeof form) => (v: string) => setForm((x) => ({ ...x, [k]: v }));

  const issue = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const errs: Record<string, string> = {};
    for (const k of ['nodeCode', 'name', 'inn', 'ogrn', 'ooCode'] as const) if (!form[k].trim()) errs[k] = f('nodes.required');
    if (form.nodeCode.trim() && !NODE_CODE.test(form.nodeCode.trim())) errs.nodeCode = f('nodes.nodeCodeHint');
    setFormErr(errs);
    setFormError(null);
    const first = Object.keys(errs)[0];
    if (first) {
      document.getElementById('nc-' + first)?.focus();
      return;
    }
    setBusy(true);
    setIssued(null);
    setCopied(false);
    try {
      const nodeCode = form.nodeCode.trim();
      const r = await issueCode(nodeCode, form.name.trim(), {
        schoolCode: nodeCode, inn: form.inn.trim(), ogrn: form.ogrn.trim(), ooCode: form.ooCode.trim(),
      }, form.validFor);
      setIssued(r);
      setForm({ nodeCode: '', name: '', inn: '', ogrn: '', ooCode: '', validFor: form.validFor });
      setTimeout(() => codeRef.current?.focus(), 0);
    } catch (err) {
      // "child inn: …", "nodeCode: …": shown beside that field.
      const m = err instanceof ApiError ? /^(?:child )?(nodeCode|name|inn|ogrn|ooCode|schoolCode)\b/.exec(err.message) : null;
      const field = m ? (m[1] === 'schoolCode' ? 'nodeCode' : (m[1] as string)) : null;
      if (field) {
        setFormErr({ [field]: err instanceof ApiError ? err.message.replace(/^(?:child )?\w+:\s*/, '') : '' });
        document.getElementById('nc-' + field)?.focus();
      } else setFormError(errorMessage(lang, err));
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!issued) return;
    try {
      await navigator.clipboard.writeText(issued.code);
      setCopied(true);
    } catch {
      // No clipboard (plain http on a LAN): select the code so Ctrl+C copies it.
      const r = document.createRange();
      if (codeRef.current) {
        r.selectNodeContents(codeRef.current);
        const sel = window.getSelection();
        sel?.removeAllRanges();
        sel?.addRange(r);
      }
    }
  };

  const statusLabel = (s: string) => fd('status.' + s) ?? s;
  return (
    <>
      <PageTitle text={f('nodes.title')} />
      {error ? <ErrorBox error={error} onRetry={load} testId="nodes-error" /> : null}
      {notice ? (
        <p class="alert alert-ok" role="status" data-testid="nodes-notice">
          {notice}
        </p>
      ) : null}
      <h2 class="section-title">{f('nodes.children')}</h2>
      {children && children.length === 0 ? (
        <p class="empty" data-testid="nodes-empty">{f('nodes.empty')}</p>
      ) : null}
      {children && children.length ? (
        <table class="table stack fed-nodes" data-testid="nodes-table">
          <thead>
            <tr>
              <th scope="col">{f('nodes.node')}</th>
              <th scope="col">{f('nodes.status')}</th>
              <th scope="col">{f('nodes.lastContact')}</th>
              <th scope="col">{f('nodes.backlog')}</th>
              <th scope="col">{f('nodes.epoch')}</th>
              <th scope="col">{f('nodes.version')}</th>
              <th scope="col">{f('nodes.lastSeq')}</th>
              {manage ? <th scope="col">{f('nodes.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {children.map((c) => {
              const t = ms(c.lastContact);
              const old = c.status === 'active' && (t === null || Date.now() - t > OLD_CONTACT_MS);
              const seq = c.lastSequence ? Object.entries(c.lastSequence) : [];
              return (
                <tr key={c.code} data-testid="node-row" data-code={c.code} class={c.status === 'revoked' ? 'fed-revoked' : undefined}>
                  <th scope="row">
                    {c.name}
                    <div class="muted mono">{c.code}</div>
                  </th>
                  <td data-label={f('nodes.status')} data-testid="node-status">
                    <span class={'badge ' + (c.status === 'active' ? 'badge-ok' : 'badge-warn')}>{statusLabel(c.status)}</span>
                  </td>
                  <td data-label={f('nodes.lastContact')} data-testid="node-contact" data-old={old ? 'true' : 'false'}>
                    <span class={old ? 'fed-old' : undefined} title={when(lang, c.lastContact)}>
                      {ageText(f, c.lastContact)}
                    </span>
                    {old ? <span class="sr-only"> ({f('nodes.old')})</span> : null}
                  </td>
                  <td data-label={f('nodes.backlog')} data-testid="node-backlog">
                    {c.backlog?.held ?? 0}
                    {c.backlog?.oldestHeldAt ? (
                      <span class="muted"> ({f('nodes.backlogOldest')}: {ageText(f, c.backlog.oldestHeldAt, false)})</span>
                    ) : null}
                  </td>
                  <td data-label={f('nodes.epoch')} data-testid="node-epoch">{c.keyEpoch}</td>
                  <td data-label={f('nodes.version')} data-testid="node-version">{c.version || '—'}</td>
                  <td data-label={f('nodes.lastSeq')} data-testid="node-seq">
                    {seq.length ? seq.map(([ch, n]) => `${fd('channel.' + ch) ?? ch}: ${n}`).join(', ') : '—'}
                  </td>
                  {manage ? (
                    <td data-label={f('nodes.actions')}>
                      {c.status !== 'revoked' ? (
                        <button
                          type="button"
                          class="btn btn-secondary"
                          onClick={() => setAsking(c)}
                          data-testid="node-revoke"
                          aria-label={f('nodes.revoke') + ': ' + c.name}
                        >
                          {f('nodes.revoke')}
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {asking ? (
        <div class="card danger-zone fed-confirm" role="alertdialog" aria-labelledby="revoke-ask" data-testid="revoke-confirm">
          <p id="revoke-ask">{f('nodes.revokeAsk', { name: asking.name })}</p>
          <div class="fed-actions">
            <button type="button" class="btn btn-danger" disabled={busy} onClick={() => revoke(asking)} data-testid="revoke-yes">
              {f('nodes.revokeYes')}
            </button>
            <button type="button" class="btn btn-secondary" onClick={() => setAsking(null)} data-testid="revoke-no">
              {f('nodes.revokeNo')}
            </button>
          </div>
        </div>
      ) : null}

      {manage ? (
        <section class="card fed-issue" aria-labelledby="nc-title">
          <h2 id="nc-title" class="card-title">{f('nodes.issue')}</h2>
          <p class="note">{f('nodes.issueNote')}</p>
          <form onSubmit={issue} data-testid="issue-form" noValidate>
            <div class="form-grid">
              <Field id="nc-nodeCode" label={f('nodes.nodeCode')} value={form.nodeCode} onInput={set('nodeCode')} required hint={f('nodes.nodeCodeHint')} error={formErr.nodeCode} autocomplete="off" />
              <Field id="nc-name" label={f('nodes.name')} value={form.name} onInput={set('name')} required error={formErr.name} />
              <Field id="nc-inn" label={f('nodes.inn')} value={form.inn} onInput={set('inn')} required error={formErr.inn} maxLength={10} />
              <Field id="nc-ogrn" label={f('nodes.ogrn')} value={form.ogrn} onInput={set('ogrn')} required error={formErr.ogrn} maxLength={13} />
              <Field id="nc-ooCode" label={f('nodes.ooCode')} value={form.ooCode} onInput={set('ooCode')} required error={formErr.ooCode} maxLength={20} />
              <Field
                id="nc-validFor"
                label={f('nodes.validFor')}
                value={form.validFor}
                onInput={set('validFor')}
                options={[['24h', f('nodes.h24')], ['72h', f('nodes.h72')], ['168h', f('nodes.d7')], ['720h', f('nodes.d30')]]}
              />
            </div>
            {formError ? (
              <p class="alert alert-error" role="alert" data-testid="nc-error">
                {formError}
              </p>
            ) : null}
            <button type="submit" class="btn btn-primary" disabled={busy} data-testid="nc-submit">
              {f('nodes.issueSubmit')}
            </button>
          </form>
          {issued ? (
            <div class="fed-code" data-testid="issued-code" role="status">
              <p>{f('nodes.code', { node: issued.nodeCode })}</p>
              <p>
                <strong class="mono fed-code-value" tabIndex={-1} ref={codeRef} data-testid="issued-value">
                  {issued.code}
                </strong>
              </p>
              <p>
                {f('nodes.expires')}: <span data-testid="issued-expires">{when(lang, issued.expiresAt)}</span>
              </p>
              <button type="button" class="btn btn-secondary" onClick={copy} data-testid="issued-copy">
                {copied ? f('nodes.copied') : f('nodes.copy')}
              </button>
            </div>
          ) : null}
        </section>
      ) : null}

      <h2 class="section-title">{f('nodes.alarms')}</h2>
      {alarms.length === 0 ? (
        <p class="empty" data-testid="alarms-empty">{f('nodes.noAlarms')}</p>
      ) : (
        <table class="table stack" data-testid="alarms">
          <thead>
            <tr>
              <th scope="col">{f('nodes.alarmAt')}</th>
              <th scope="col">{f('nodes.alarmKind')}</th>
              <th scope="col">{f('nodes.alarmOrigin')}</th>
              <th scope="col">{f('nodes.alarmDetail')}</th>
            </tr>
          </thead>
          <tbody>
            {alarms.map((a) => (
              <tr key={a.id} data-testid="alarm-row">
                <td data-label={f('nodes.alarmAt')}>{when(lang, a.at)}</td>
                <td data-label={f('nodes.alarmKind')}>{fd('alarm.' + a.kind) ?? a.kind}</td>
                <td data-label={f('nodes.alarmOrigin')} class="mono">{a.origin}</td>
                <td data-label={f('nodes.alarmDetail')}>{a.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {audit ? (
        <>
          <h2 class="section-title">{f('nodes.audit')}</h2>
          {audit.length === 0 ? (
            <p class="empty" data-testid="hub-audit-empty">{f('nodes.noAudit')}</p>
          ) : (
            <table class="table stack" data-testid="hub-audit">
              <thead>
                <tr>
                  <th scope="col">{f('nodes.alarmAt')}</th>
                  <th scope="col">{f('nodes.auditActor')}</th>
                  <th scope="col">{f('nodes.auditAction')}</th>
                  <th scope="col">{f('nodes.auditSubject')}</th>
                </tr>
              </thead>
              <tbody>
                {audit.map((e, i) => (
                  <tr key={e.id ?? i} data-testid="hub-audit-row" data-action={e.action}>
                    <td data-label={f('nodes.alarmAt')}>{when(lang, e.at)}</td>
                    <td data-label={f('nodes.auditActor')} class="mono">{e.actor}</td>
                    <td data-label={f('nodes.auditAction')}>{fd('audit.' + e.action) ?? e.action}</td>
                    <td data-label={f('nodes.auditSubject')}>
                      {e.subject}
                      {e.detail ? <div class="muted">{e.detail}</div> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
      <div class="cards fed-docs">
        <DocumentsCard permissions={permissions} />
      </div>
    </>
  );
}

// ---------------------------------------------------------------- /returns

const PERIOD = /^(\d{4}-\d{2}(-\d{2})?|\d{4}-\d{4}(\/\d)?)$/;

function thisMonth(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

function tableTitle(lang: Lang, cat: CatalogueTable[], id: string): string {
  const t = cat.find((x) => x.id === id);
  return t ? t.title[lang] || t.title.ru || id : id;
}

export function ReturnsPage({ permissions }: { permissions: string[] }) {
  const { lang, f } = useFedT();
  const canApprove = permissions.includes('approve_returns');
  const [period, setPeriod] = useState(thisMonth);
  const [shown, setShown] = useState(thisMonth);
  const [periodError, setPeriodError] = useState<string | undefined>(undefined);
  const [rows, setRows] = useState<ReturnChild[] | null>(null);
  const [cat, setCat] = useState<CatalogueTable[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  // Each ask fetches again (n), and only the newest ask's answer lands: the
  // first load of this month may answer after the analyst's own period.
  const [asked, setAsked] = useState({ period, n: 0 });
  const load = (p: string) => setAsked((a) => ({ period: p, n: a.n + 1 }));
  useEffect(
    () =>
      latest(
        getReturns(asked.period),
        (r) => {
          setRows(r);
          setShown(asked.period);
          setError(null);
        },
        setError,
      ),
    [asked],
  );
  useEffect(() => {
    getCatalogue().then(setCat, () => undefined);
  }, []);

  const show = (e: Event) => {
    e.preventDefault();
    const p = period.trim();
    if (!PERIOD.test(p)) {
      setPeriodError(f('ret.badPeriod'));
      document.getElementById('ret-period')?.focus();
      return;
    }
    setPeriodError(undefined);
    setMsg(null);
    load(p);
  };

  const approve = async (child: ReturnChild, cell: ReturnCell) => {
    if (cell.revision === null) return;
    const key = child.code + '/' + cell.table;
    setBusy(key);
    setMsg(null);
    try {
      const done = await approveReturn(child.code, cell.table, shown, cell.revision);
      setRows((rs) =>
        (rs ?? []).map((c) =>
          c.code !== child.code ? c : { ...c, tables: c.tables.map((x) => (x.table === cell.table ? { ...x, ...done } : x)) },
        ),
      );
      setMsg({ ok: true, text: f('ret.approved') + ': ' + child.name + ' — ' + tableTitle(lang, cat, cell.table) });
    } catch (err) {
      setMsg({ ok: false, text: err instanceof ApiError && err.status === 409 ? f('ret.conflict') : errorMessage(lang, err) });
      if (err instanceof ApiError && err.status === 409) load(shown);
    } finally {
      setBusy(null);
    }
  };

  const tableIds: string[] = [];
  for (const c of rows ?? []) for (const x of c.tables) if (!tableIds.includes(x.table)) tableIds.push(x.table);
  const statusText = (s: string) => f(('ret.' + s) as 'ret.received');

  return (
    <>
      <PageTitle text={f('ret.title')} />
      <form class="fed-toolbar" onSubmit={show} noValidate>
        <Field
          id="ret-period"
          label={f('ret.period')}
          value={period}
          onInput={setPeriod}
          hint={f('ret.periodHint')}
          error={periodError}
          suggestions={[...new Set(cat.flatMap((x) => x.periods))].sort().reverse().slice(0, 24)}
        />
        <button type="submit" class="btn btn-primary" data-testid="ret-show">
          {f('ret.show')}
        </button>
      </form>
      {error ? <ErrorBox error={error} onRetry={() => load(shown)} testId="ret-error" /> : null}
      {msg ? (
        <p class={'alert ' + (msg.ok ? 'alert-ok' : 'alert-error')} role={msg.ok ? 'status' : 'alert'} data-testid="ret-msg">
          {msg.text}
        </p>
      ) : null}
      {rows && (rows.length === 0 || tableIds.length === 0) ? <p class="empty" data-testid="ret-empty">{f('ret.empty')}</p> : null}
      {rows && rows.length && tableIds.length ? (
        <Scroll label={f('ret.title') + ' ' + shown}>
          <table class="table fed-grid" data-testid="ret-grid">
            <caption class="sr-only">{f('ret.title') + ' ' + shown}</caption>
            <thead>
              <tr>
                <th scope="col">{f('ret.node')}</th>
                {tableIds.map((id) => (
                  <th scope="col" key={id}>{tableTitle(lang, cat, id)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.code} data-testid="ret-row" data-code={c.code}>
                  <th scope="row">
                    {c.name}
                    <div class="muted mono">{c.code}</div>
                  </th>
                  {tableIds.map((id) => {
                    const cell = c.tables.find((x) => x.table === id);
                    if (!cell) return <td key={id} class="muted">—</td>;
                    const a = cell.approval;
                    const reopened = a?.state === 'reopened';
                    const approvable = canApprove && cell.revision !== null && (cell.status === 'received' || cell.status === 'late') && a?.state !== 'approved';
                    return (
                      <td
                        key={id}
                        class={'ret-cell ret-' + cell.status + (reopened ? ' ret-reopened' : '')}
                        data-testid="ret-cell"
                        data-table={id}
                        data-status={cell.status}
                        data-approval={a?.state ?? 'none'}
                      >
                        <span class={'ret-status ret-status-' + cell.status}>{statusText(cell.status)}</span>
                        {cell.revision !== null ? <span class="muted"> · {f('ret.revision', { n: cell.revision })}</span> : null}
                        {cell.receivedAt ? <div class="muted small">{when(lang, cell.receivedAt)}</div> : null}
                        {a?.state === 'approved' ? (
                          <div class="ret-approved" data-testid="ret-approved">
                            ✓ {f('ret.approved')}
                            {a.by ? <span class="muted"> ({f('ret.approvedBy', { by: a.by })})</span> : null}
                          </div>
                        ) : null}
                        {reopened ? (
                          <div class="ret-reopened-note" data-testid="ret-reopened">
                            ⚠ {f('ret.reopened')}
                          </div>
                        ) : null}
                        {approvable ? (
                          <button
                            type="button"
                            class="btn btn-secondary btn-small"
                            disabled={busy !== null}
                            onClick={() => approve(c, cell)}
                            data-testid="ret-approve"
                            aria-label={f('ret.approve') + ': ' + c.name + ', ' + tableTitle(lang, cat, id)}
                          >
                            {f('ret.approve')}
                          </button>
                        ) : null}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      ) : null}
    </>
  );
}

// ---------------------------------------------------------------- /summary-reports

function dimValue(fd: (k: string) => string | undefined, v: string): string {
  if (v === '') return '—';
  // Age bands and the like: "11_14" → "11–14", "18_plus" → "18+".
  return fd('dim.' + v) ?? v.replace(/^(\d+)_(\d+)$/, '$1–$2').replace(/^(\d+)_plus$/, '$1+');
}

/** Cells in the order people read them: by each key part, numbers as numbers. */
function byKey(a: ReportCell, b: ReportCell): number {
  for (let i = 0; i < Math.max(a.key.length, b.key.length); i++) {
    const c = (a.key[i] ?? '').localeCompare(b.key[i] ?? '', 'ru', { numeric: true });
    if (c !== 0) return c;
  }
  return 0;
}

/** The interval beside an inexact count ("≈5 [3–7]"); none when the text already is the interval. */
function intervalNote(c: ReportCell): string | null {
  if (c.count === null || c.count === undefined || c.exact !== false) return null;
  if (c.low === null || c.low === undefined) return null;
  if (c.high === null || c.high === undefined) return `[≥${c.low}]`;
  return c.low === c.high ? null : `[${c.low}–${c.high}]`;
}

/** A count as shown: exact, or the stated interval of a suppressed cell. */
export function countText(c: ReportCell): string {
  if (c.count !== null && c.count !== undefined) return (c.exact === false ? '≈' : '') + String(c.count);
  if (c.low === null || c.low === undefined) return '—';
  if (c.high === null || c.high === undefined) return '≥' + c.low;
  if (c.low === c.high) return String(c.low);
  if (c.low === 0) return '≤' + c.high;
  return c.low + '–' + c.high;
}

function countTitle(f: FedT, c: ReportCell): string | undefined {
  if (c.count !== null && c.count !== undefined && c.exact !== false) return undefined;
  if (c.low === null || c.low === undefined) return f('rep.unknown');
  if (c.high === null || c.high === undefined) return f('rep.intervalOpen', { low: c.low });
  return f('rep.interval', { low: c.low, high: c.high });
}

function measureText(lang: Lang, kind: string, v: number | null | undefined): string {
  if (v === null || v === undefined || kind === 'none') return '';
  const nf = new Intl.NumberFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', {
    maximumFractionDigits: kind === 'rate' ? 1 : 2,
    minimumFractionDigits: kind === 'rate' ? 1 : 2,
  });
  return kind === 'rate' ? nf.format(v * 100) + ' %' : nf.format(v);
}

interface Bar {
  key: string;
  known: number;
  upper: number | null;
}

function bars(totals: ReportCell[]): Bar[] {
  const by = new Map<string, Bar>();
  for (const c of totals) {
    const k = c.key[0] ?? '';
    const b = by.get(k) ?? { key: k, known: 0, upper: 0 };
    const exact = c.count !== null && c.count !== undefined;
    b.known += exact ? (c.count as number) : c.low ?? 0;
    if (b.upper !== null) b.upper = exact ? b.upper + (c.count as number) : c.high === null || c.high === undefined ? null : b.upper + c.high;
    by.set(k, b);
  }
  return [...by.values()].sort((a, b) => a.key.localeCompare(b.key, 'ru', { numeric: true }));
}

function Chart({ report, lang, f, fd }: { report: Report; lang: Lang; f: FedT; fd: (k: string) => string | undefined }) {
  const dim = report.table.dimensions[0];
  const data = bars(report.totals);
  if (!dim || data.length === 0) return null;
  const max = Math.max(1, ...data.map((b) => b.upper ?? b.known));
  // A small coordinate system: on a 360-px phone the text stays legible.
  const rowH = 28;
  const labelW = Math.min(150, 16 + 8 * Math.max(...data.map((b) => dimValue(fd, b.key).length)));
  const barW = 260;
  const h = data.length * rowH + 10;
  const title = f('rep.chart', { dim: dim.title[lang] || dim.title.ru || dim.id });
  const desc = data.map((b) => `${dimValue(fd, b.key)}: ${b.upper !== null && b.upper !== b.known ? b.known + '–' + b.upper : b.known}`).join('; ');
  return (
    <figure class="card fed-chart">
      <figcaption class="card-title">{title}</figcaption>
      <svg
        viewBox={`0 0 ${labelW + barW + 70} ${h}`}
        width="100%"
        role="img"
        aria-labelledby="rep-chart-title rep-chart-desc"
        data-testid="rep-chart"
      >
        <title id="rep-chart-title">{title}</title>
        <desc id="rep-chart-desc">{desc}</desc>
        {data.map((b, i) => {
          const y = 5 + i * rowH;
          const wKnown = (b.known / max) * barW;
          const wUpper = b.upper === null ? barW - wKnown : ((b.upper - b.known) / max) * barW;
          return (
            <g key={b.key} data-testid="rep-bar" data-key={b.key} data-value={b.known}>
              <text x={labelW - 8} y={y + rowH / 2 + 5} text-anchor="end" class="fed-chart-label">
                {dimValue(fd, b.key)}
              </text>
              <rect x={labelW} y={y + 4} width={Math.max(wKnown, b.known > 0 ? 1 : 0)} height={rowH - 10} class="fed-bar" />
              {wUpper > 0 ? (
                <rect x={labelW + wKnown} y={y + 4} width={wUpper} height={rowH - 10} class="fed-bar-range" />
              ) : null}
              <text x={labelW + wKnown + Math.max(wUpper, 0) + 6} y={y + rowH / 2 + 5} class="fed-chart-value">
                {b.upper !== null && b.upper !== b.known ? `${b.known}–${b.upper}` : b.upper === null ? `≥${b.known}` : String(b.known)}
              </text>
            </g>
          );
        })}
      </svg>
      <p class="note">{f('rep.chartNote')}</p>
    </figure>
  );
}

export function ReportsPage({ session }: { session: Session }) {
  const { lang, f, fd } = useFedT();
  const [cat, setCat] = useState<CatalogueTable[] | null>(null);
  const [table, setTable] = useState('');
  const [period, setPeriod] = useState('');
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<unknown>(null);
  void session;

  useEffect(() => {
    getCatalogue().then((c) => {
      setCat(c);
      const first = c.find((x) => x.periods.length) ?? c[0];
      if (first) {
        setTable(first.id);
        setPeriod(first.periods[0] ?? '');
      }
    }, setError);
  }, []);

  const spec = cat?.find((x) => x.id === table);
  useEffect(() => {
    setReport(null);
    if (!table || !period) return;
    setError(null);
    return latest(getReport(table, period), setReport, setError);
  }, [table, period]);

  const pickTable = (id: string) => {
    if (id === table) return;
    // Cleared in the same render, so the old table's report or error never shows beside the new choice.
    setError(null);
    setReport(null);
    setTable(id);
    setPeriod(cat?.find((x) => x.id === id)?.periods[0] ?? '');
  };


  const t = report?.table;
  const measure = t?.measure?.kind && t.measure.kind !== 'none' ? t.measure.kind : null;
  const cell = (c: ReportCell) => {
    const title = countTitle(f, c);
    return (
      <>
        <span class={title ? 'fed-hidden' : undefined} title={title} data-testid="rep-count">
          {countText(c)}
        </span>
        {intervalNote(c) ? <span class="muted fed-interval"> {intervalNote(c)}</span> : null}
        {title ? <span class="sr-only"> ({title})</span> : null}
      </>
    );
  };
  return (
    <>
      <PageTitle text={f('rep.title')} />
      {cat && cat.length === 0 ? <p class="empty">{f('rep.noTables')}</p> : null}
      {cat && cat.length ? (
        <div class="fed-toolbar no-print">
          <Field
            id="rep-table"
            label={f('rep.table')}
            value={table}
            onInput={pickTable}
            options={cat.map((x) => [x.id, x.title[lang] || x.title.ru || x.id] as [string, string])}
          />
          {spec && spec.periods.length ? (
            <Field id="rep-period" label={f('rep.period')} value={period} onInput={setPeriod} options={spec.periods.map((p) => [p, p] as [string, string])} />
          ) : (
            <p class="empty" data-testid="rep-no-periods">{f('rep.noPeriods')}</p>
          )}
        </div>
      ) : null}
      {error ? <ErrorBox error={error} testId="rep-error" /> : null}
      {report && t ? (
        <>
          <p class="print-only print-caption">
            <strong>{t.title[lang] || t.id}</strong> — {report.period}
          </p>
          <div class="fed-actions no-print">
            <button type="button" class="btn btn-secondary" onClick={() => window.print()} data-testid="rep-print">
              {f('rep.print')}
            </button>
            {/* Written by the server (UTF-8 with BOM and ';' for Russian Excel; XLSX), sent as attachments. */}
            <a class="btn btn-secondary" href={reportExportUrl(table, period, 'csv')} download data-testid="rep-csv">
              {f('rep.csv')}
            </a>
            <a class="btn btn-secondary" href={reportExportUrl(table, period, 'xlsx')} download data-testid="rep-xlsx">
              {f('rep.xlsx')}
            </a>
          </div>
          {!report.complete ? (
            <p class="alert alert-warn" data-testid="rep-incomplete">
              {f('rep.incomplete')}
            </p>
          ) : null}
          <p class="note" data-testid="rep-legend">{f('rep.legend')}</p>
          <Chart report={report} lang={lang} f={f} fd={fd} />
          {report.units.length === 0 && report.totals.length === 0 ? <p class="empty">{f('rep.empty')}</p> : (
            <Scroll label={(t.title[lang] || t.id) + ' ' + report.period}>
              <table class="table fed-report" data-testid="rep-table">
                <caption class="sr-only">{(t.title[lang] || t.id) + ' ' + report.period}</caption>
                <thead>
                  <tr>
                    <th scope="col">{f('rep.unit')}</th>
                    {t.dimensions.map((d) => (
                      <th scope="col" key={d.id}>{d.title[lang] || d.id}</th>
                    ))}
                    <th scope="col" class="num">{f('rep.count')}</th>
                    {measure ? <th scope="col" class="num">{t.measure.title?.[lang] || f('rep.measure')}</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {report.units.map((u) =>
                    [...u.cells].sort(byKey).map((c, i) => (
                      <tr key={u.code + '|' + c.key.join('|')} data-testid="rep-row" data-unit={u.code} class={i === 0 ? 'fed-unit-first' : undefined}>
                        <th scope="row">{i === 0 ? u.name : <span class="sr-only">{u.name}</span>}</th>
                        {c.key.map((v, j) => <td key={j}>{dimValue(fd, v)}</td>)}
                        <td class="num">{cell(c)}</td>
                        {measure ? <td class="num">{measureText(lang, measure, c.measure)}</td> : null}
                      </tr>
                    )),
                  )}
                </tbody>
                <tbody class="fed-totals">
                  {[...report.totals].sort(byKey).map((c, i) => (
                    <tr key={'t|' + c.key.join('|')} data-testid="rep-total-row" class={i === 0 ? 'fed-unit-first' : undefined}>
                      <th scope="row">{i === 0 ? f('rep.total') : <span class="sr-only">{f('rep.total')}</span>}</th>
                      {c.key.map((v, j) => <td key={j}>{dimValue(fd, v)}</td>)}
                      <td class="num">{cell(c)}</td>
                      {measure ? <td class="num">{measureText(lang, measure, c.measure)}</td> : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
          )}
        </>
      ) : null}
    </>
  );
}
