import { useEffect, useRef, useState } from 'preact/hooks';
import { login, type Session } from './api';
import { LangSwitch, Logo } from './components';
import { errorMessage } from './errors';
import { useI18n, type MessageKey } from './i18n';

interface Props {
  onLoggedIn: (s: Session) => void;
  /** A message to show on arrival, e.g. after the session expired. */
  notice?: MessageKey | undefined;
}

export function LoginPage({ onLoggedIn, notice }: Props) {
  const { lang, t } = useI18n();
  const [loginName, setLoginName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ err: unknown } | { key: MessageKey } | null>(
    notice ? { key: notice } : null,
  );
  const loginRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = t('login.title') + ' — ' + t('product.name');
  }, [lang]);

  useEffect(() => {
    loginRef.current?.focus();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const name = loginName.trim();
    if (!name || !password) {
      setError({ key: 'login.empty' });
      (name ? passwordRef : loginRef).current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const session = await login(name, password);
      onLoggedIn(session);
    } catch (err) {
      setBusy(false);
      setError({ err });
      setPassword('');
      passwordRef.current?.focus();
    }
  };

  const message = error === null ? '' : 'key' in error ? t(error.key) : errorMessage(lang, error.err, 'login');

  return (
    <div class="login-page">
      <header class="login-top">
        <LangSwitch />
      </header>
      <main id="main" class="login-main">
        <div class="login-card">
          <div class="login-brand">
            <Logo />
            <div>
              <h1 class="product" data-testid="product-name">{t('product.name')}</h1>
              <p class="tagline">{t('product.tagline')}</p>
            </div>
          </div>
          <h2 class="login-title">{t('login.title')}</h2>
          <form
            class="login-form"
            onSubmit={submit}
            noValidate
            aria-busy={busy}
            data-testid="login-form"
          >
            <div
              id="login-error"
              class={message ? 'alert alert-error' : 'alert alert-empty'}
              role="alert"
              data-testid="login-error"
            >
              {message}
            </div>
            <div class="field">
              <label for="login-input">{t('login.login')}</label>
              <input
                ref={loginRef}
                id="login-input"
                name="username"
                type="text"
                autocomplete="username"
                autocapitalize="none"
                spellcheck={false}
                required
                aria-invalid={message ? true : undefined}
                aria-describedby={message ? 'login-error' : undefined}
                value={loginName}
                onInput={(e) => setLoginName(e.currentTarget.value)}
                data-testid="login-input"
              />
            </div>
            <div class="field">
              <label for="password-input">{t('login.password')}</label>
              <input
                ref={passwordRef}
                id="password-input"
                name="password"
                type="password"
                autocomplete="current-password"
                required
                aria-invalid={message ? true : undefined}
                aria-describedby={message ? 'login-error' : undefined}
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
                data-testid="password-input"
              />
            </div>
            <button type="submit" class="btn btn-primary btn-block" disabled={busy} data-testid="login-submit">
              {busy ? t('login.submitting') : t('login.submit')}
            </button>
          </form>
          <p class="login-hint">{t('login.hint')}</p>
        </div>
      </main>
    </div>
  );
}
