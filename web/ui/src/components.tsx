import { useI18n, type Lang } from './i18n';

export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  const option = (code: Lang, short: string, name: string) => (
    <button
      type="button"
      class="lang-option"
      lang={code}
      aria-pressed={lang === code}
      data-testid={'lang-' + code}
      onClick={() => setLang(code)}
    >
      <span aria-hidden="true">{short}</span>
      <span class="sr-only">{name}</span>
    </button>
  );
  return (
    <div class="lang-switch" role="group" aria-label={t('lang.label')} data-testid="lang-switch">
      {option('ru', 'RU', t('lang.ru'))}
      {option('en', 'EN', t('lang.en'))}
    </div>
  );
}

export function Logo() {
  return (
    <svg class="logo" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="currentColor" />
      <path d="M9 8h14v16h-3.2V11H12.2v13H9z" fill="#fff" />
    </svg>
  );
}
