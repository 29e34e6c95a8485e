import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, logout, type Session } from './api';
import { LangSwitch, Logo } from './components';
import { errorMessage } from './errors';
import { useI18n } from './i18n';
import { MePage, NotFoundPage, PlaceholderPage } from './pages';
import { ImportPage } from './imports';
import { AuditPage, PersonPage, RegistryPage } from './registry';
import { NewPersonPage } from './create';
import { ReportsPage, WithoutConsentPage } from './consent';
import { MovementBookPage } from './movements';
import { AcademicPage, CalendarPage, ClassesPage, LoadPage } from './academic';
import { YearClosingPage } from './yearclose';
import { JournalPage } from './journal';
import { PeriodLocksPage } from './finals';
import { GradingPage } from './grading';
import { PlansPage } from './plans';
import { DiaryPage } from './diary';
import { SchedulePage } from './timetable';
import { ControlPage, MyClassPage, RemarksPage } from './control';
import type { PersonKind } from './api';
import { PrintStamp } from './print';
import { ErrorBox } from './registry';
import { HOME_PATH, isKeeper, sectionFor, sectionsFor } from './roles';
import { linkClick, navigate, usePath } from './router';

/** The kind a new card starts with: the list's tab it was asked from (?kind=). */
function newKind(): PersonKind {
  const k = new URLSearchParams(window.location.search).get('kind');
  return k === 'staff' || k === 'parent' ? k : 'student';
}

// The federation pages load on first use (their own chunk): most users of a
// school never open them, and a parent's phone should not download them.
type FederationModule = typeof import('./federation');
let federationModule: FederationModule | null = null;

function FederationPages({ id, session }: { id: 'federation' | 'nodes' | 'returns' | 'summaryReports'; session: Session }) {
  const { t } = useI18n();
  const [mod, setMod] = useState<FederationModule | null>(federationModule);
  const [error, setError] = useState<unknown>(null);
  const load = () => {
    setError(null);
    import('./federation').then((m) => {
      federationModule = m;
      setMod(m);
    }, setError);
  };
  useEffect(() => {
    if (!mod) load();
  }, []);
  if (error) return <ErrorBox error={error} onRetry={load} testId="app-error" />;
  if (!mod) return <p class="loading" role="status">{t('app.loading')}</p>;
  const permissions = session.user.permissions;
  if (id === 'federation') return <mod.FederationPage permissions={permissions} />;
  if (id === 'nodes') return <mod.NodesPage permissions={permissions} />;
  if (id === 'returns') return <mod.ReturnsPage permissions={permissions} />;
  return <mod.ReportsPage session={session} />;
}

interface Props {
  session: Session;
  onLoggedOut: () => void;
}

export function Frame({ session, onLoggedOut }: Props) {
  const { lang, t } = useI18n();
  const path = usePath();
  const sections = sectionsFor({
    roles: session.user.roles,
    permissions: session.user.permissions,
    node: session.school.role,
  });
  const current = sectionFor(sections, path);
  const [menuOpen, setMenuOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const firstRender = useRef(true);

  // "/" (and the login URL people may bookmark) lead to the home page.
  useEffect(() => {
    if (path === '/' || path === '/login') navigate(HOME_PATH, true);
  }, [path]);

  useEffect(() => {
    document.title = (current ? t(current.label) : t('notFound.title')) + ' — ' + t('product.name');
  }, [path, lang]);

  // Move focus to the page heading on navigation so screen readers announce the new page.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      if (document.activeElement && document.activeElement !== document.body) return;
    }
    document.getElementById('page-title')?.focus();
  }, [path]);

  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setMenuOpen(false);
        document.getElementById('nav-toggle')?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [menuOpen]);

  const doLogout = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await logout();
      onLoggedOut();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'unauthenticated') {
        onLoggedOut();
        return;
      }
      setBusy(false);
      setError(err);
    }
  };

  let page;
  if (path === '/' || path === '/login') page = null;
  else if (!current) page = <NotFoundPage />;
  else if (current.id === 'me') page = <MePage session={session} />;
  else if (current.id === 'registry') {
    const sub = path.slice(current.path.length);
    const m = /^\/([1-9]\d{0,15})$/.exec(sub);
    const permissions = session.user.permissions;
    if (sub === '') page = <RegistryPage title={current.label} permissions={permissions} />;
    else if (m) page = <PersonPage key={m[1]} id={Number(m[1])} permissions={permissions} />;
    else if (sub === '/new' && isKeeper(permissions)) page = <NewPersonPage kind={newKind()} />;
    else page = <NotFoundPage />;
  } else if (current.id === 'audit') page = <AuditPage />;
  else if (current.id === 'movements') page = <MovementBookPage />;
  else if (current.id === 'reports') {
    if (path === '/reports') page = <ReportsPage />;
    else if (path === '/reports/without-consent') page = <WithoutConsentPage />;
    else page = <NotFoundPage />;
  } else if (current.id === 'imports') page = <ImportPage />;
  else if (current.id === 'academic') page = <AcademicPage permissions={session.user.permissions} />;
  else if (current.id === 'classes') page = <ClassesPage />;
  else if (current.id === 'calendar') page = <CalendarPage editor={session.user.permissions.includes('edit_academic')} />;
  else if (current.id === 'myLoad') page = <LoadPage own />;
  else if (current.id === 'yearClosing') page = <YearClosingPage permissions={session.user.permissions} />;
  else if (current.id === 'journal') page = <JournalPage />;
  else if (current.id === 'diary') page = <DiaryPage />;
  else if (current.id === 'schedule') page = <SchedulePage permissions={session.user.permissions} />;
  else if (current.id === 'control') page = <ControlPage />;
  else if (current.id === 'remarks') page = <RemarksPage />;
  else if (current.id === 'myClass') page = <MyClassPage session={session} />;
  else if (current.id === 'plans') page = <PlansPage />;
  else if (current.id === 'periods') page = <PeriodLocksPage />;
  else if (current.id === 'grading') page = <GradingPage />;
  else if (current.id === 'federation' || current.id === 'nodes' || current.id === 'returns' || current.id === 'summaryReports')
    page = <FederationPages id={current.id} session={session} />;
  else page = <PlaceholderPage title={current.label} />;

  return (
    <div class="frame">
      <PrintStamp session={session} />
      <a class="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header class="topbar" data-testid="app-header">
        <button
          id="nav-toggle"
          type="button"
          class="menu-button"
          aria-expanded={menuOpen}
          aria-controls="site-nav"
          aria-label={menuOpen ? t('header.menuClose') : t('header.menuOpen')}
          onClick={() => setMenuOpen(!menuOpen)}
          data-testid="nav-toggle"
        >
          <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
            <path
              d={menuOpen ? 'M6 6l12 12M18 6L6 18' : 'M4 7h16M4 12h16M4 17h16'}
              stroke="currentColor"
              stroke-width="2"
              stroke-linecap="round"
            />
          </svg>
          <span class="menu-button-text" aria-hidden="true">{t('header.menu')}</span>
        </button>
        <a class="brand" href={HOME_PATH} onClick={(e) => linkClick(e, HOME_PATH)} data-testid="product-name">
          <Logo />
          <span class="brand-name">{t('product.name')}</span>
        </a>
        <span class="node-name" title={session.school.name}>
          <span class="sr-only">{t('header.node')}: </span>
          <span data-testid="node-name">{session.school.name}</span>
        </span>
        <div class="topbar-end">
          <span class="user-name" title={session.user.name}>
            <span class="sr-only">{t('header.user')}: </span>
            <span data-testid="user-name">{session.user.name}</span>
          </span>
          <LangSwitch />
          <button
            type="button"
            class="btn btn-quiet"
            onClick={doLogout}
            disabled={busy}
            data-testid="logout-button"
          >
            {busy ? t('header.loggingOut') : t('header.logout')}
          </button>
        </div>
      </header>
      <div class="frame-body">
        <nav
          id="site-nav"
          class={menuOpen ? 'sidenav open' : 'sidenav'}
          aria-label={t('nav.label')}
          data-testid="nav"
        >
          <ul>
            {sections.map((s) => (
              <li key={s.id}>
                <a
                  href={s.path}
                  aria-current={s === current ? 'page' : undefined}
                  onClick={(e) => linkClick(e, s.path, () => setMenuOpen(false))}
                  data-testid={'nav-' + s.id}
                >
                  {t(s.label)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" class="content" tabIndex={-1}>
          {error ? (
            <div class="alert alert-error" role="alert" data-testid="app-error">
              {errorMessage(lang, error)}
            </div>
          ) : null}
          {page}
        </main>
      </div>
    </div>
  );
}
