import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, getMe, type Session } from './api';
import { errorMessage } from './errors';
import { loadFieldCatalogue } from './fields';
import { applyLang, I18nContext, initialLang, translate, type Lang, type MessageKey } from './i18n';
import './styles.css';

import { Frame } from './Frame';
import { LoginPage } from './Login';

type State =
  | { kind: 'loading' }
  | { kind: 'anonymous'; notice?: MessageKey }
  | { kind: 'failed'; error: unknown }
  | { kind: 'signedIn'; session: Session };

function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [state, setState] = useState<State>({ kind: 'loading' });

  const i18n = useMemo(
    () => ({
      lang,
      setLang: (l: Lang) => {
        applyLang(l);
        setLangState(l);
      },
      t: (key: MessageKey) => translate(lang, key),
    }),
    [lang],
  );

  // The field catalogue comes with the session: the register's pages need it.
  const enter = (session: Session) =>
    loadFieldCatalogue().then(() => setState({ kind: 'signedIn', session }));

  const load = () => {
    setState({ kind: 'loading' });
    getMe()
      .then(enter)
      .catch((error) => {
        if (error instanceof ApiError && error.code === 'unauthenticated') setState({ kind: 'anonymous' });
        else setState({ kind: 'failed', error });
      });
  };

  useEffect(load, []);

  let body;
  switch (state.kind) {
    case 'loading':
      body = (
        <main id="main" class="center-screen" aria-busy="true">
          <p class="loading" role="status" data-testid="loading">
            {i18n.t('app.loading')}
          </p>
        </main>
      );
      break;
    case 'failed':
      body = (
        <main id="main" class="center-screen">
          <div class="card narrow">
            <h1 class="page-title">{i18n.t('app.startError')}</h1>
            <p class="alert alert-error" role="alert" data-testid="app-error">
              {errorMessage(lang, state.error)}
            </p>
            <button type="button" class="btn btn-primary" onClick={load} data-testid="retry">
              {i18n.t('app.retry')}
            </button>
          </div>
        </main>
      );
      break;
    case 'anonymous':
      body = (
        <LoginPage
          notice={state.notice}
          onLoggedIn={(session) => enter(session).catch((error) => setState({ kind: 'failed', error }))}
        />
      );
      break;
    case 'signedIn':
      body = (
        <Frame
          session={state.session}
          onLoggedOut={() => {
            window.history.replaceState(null, '', '/');
            setState({ kind: 'anonymous' });
          }}
        />
      );
      break;
  }

  return <I18nContext.Provider value={i18n}>{body}</I18nContext.Provider>;
}

document.documentElement.lang = initialLang();
const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
