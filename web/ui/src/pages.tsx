import type { Session } from './api';
import { useI18n, translateDynamic, type MessageKey } from './i18n';
import { HOME_PATH } from './roles';
import { linkClick } from './router';

export function PageTitle({ text }: { text: string }) {
  return (
    <h1 id="page-title" class="page-title" tabIndex={-1} data-testid="page-title">
      {text}
    </h1>
  );
}

export function MePage({ session }: { session: Session }) {
  const { lang, t } = useI18n();
  const { user, school } = session;
  const roleLabel = (r: string) => translateDynamic(lang, 'role.' + r) ?? r;
  const nodeLabel = translateDynamic(lang, 'node.' + school.role) ?? school.role;
  return (
    <>
      <PageTitle text={t('me.title')} />
      <div class="cards">
        <section class="card" aria-labelledby="me-account">
          <h2 id="me-account" class="card-title">{t('me.account')}</h2>
          <dl class="facts">
            <div class="fact">
              <dt>{t('me.name')}</dt>
              <dd data-testid="me-name">{user.name}</dd>
            </div>
            <div class="fact">
              <dt>{t('me.login')}</dt>
              <dd class="mono" data-testid="me-login">{user.id}</dd>
            </div>
            <div class="fact">
              <dt>{t('me.roles')}</dt>
              <dd data-testid="me-roles">
                {user.roles.length === 0 ? (
                  t('me.noRoles')
                ) : (
                  <ul class="chips">
                    {user.roles.map((r) => (
                      <li class="chip" key={r} data-testid={'me-role-' + r}>
                        {roleLabel(r)}
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
            </div>
          </dl>
        </section>
        <section class="card" aria-labelledby="me-node">
          <h2 id="me-node" class="card-title">{t('me.node')}</h2>
          <dl class="facts">
            <div class="fact">
              <dt>{t('me.nodeName')}</dt>
              <dd data-testid="me-school-name">{school.name}</dd>
            </div>
            <div class="fact">
              <dt>{t('me.nodeRole')}</dt>
              <dd data-testid="me-school-role">{nodeLabel}</dd>
            </div>
            {school.code ? (
              <div class="fact">
                <dt>{t('me.nodeCode')}</dt>
                <dd class="mono" data-testid="me-school-code">{school.code}</dd>
              </div>
            ) : null}
          </dl>
        </section>
      </div>
    </>
  );
}

export function PlaceholderPage({ title }: { title: MessageKey }) {
  const { t } = useI18n();
  return (
    <>
      <PageTitle text={t(title)} />
      <div class="card placeholder" data-testid="placeholder">
        <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
          <path
            fill="none"
            stroke="currentColor"
            stroke-width="1.8"
            stroke-linecap="round"
            d="M12 7v5l3 2M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0z"
          />
        </svg>
        <p>{t('placeholder.text')}</p>
      </div>
    </>
  );
}

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle text={t('notFound.title')} />
      <div class="card placeholder" data-testid="not-found">
        <p>{t('notFound.text')}</p>
        <p>
          <a href={HOME_PATH} onClick={(e) => linkClick(e, HOME_PATH)}>
            {t('notFound.back')}
          </a>
        </p>
      </div>
    </>
  );
}
