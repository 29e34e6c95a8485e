// What a printed page carries (SPEC §3.12): the system's name, the date it was
// printed and who printed it. Hidden on screen; shown by the print stylesheet.
import { useEffect, useState } from 'preact/hooks';
import type { Session } from './api';
import { useI18n } from './i18n';

function stamp(lang: string): string {
  return new Date().toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-GB', {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  });
}

export function PrintStamp({ session }: { session: Session }) {
  const { lang, t } = useI18n();
  const [when, setWhen] = useState(() => stamp(lang));
  useEffect(() => {
    const update = () => setWhen(stamp(lang));
    update();
    window.addEventListener('beforeprint', update);
    return () => window.removeEventListener('beforeprint', update);
  }, [lang]);
  const who = `${session.user.name} (${session.user.id})`;
  return (
    <div class="print-stamp" aria-hidden="true" data-testid="print-stamp">
      <strong>{t('print.system')}</strong>
      <span>{session.school.name}</span>
      <span>
        {t('print.at')}: {when}
      </span>
      <span>
        {t('print.by')}: {who}
      </span>
    </div>
  );
}
