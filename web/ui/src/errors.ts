import { ApiError } from './api';
import { translate, translateDynamic, type Lang } from './i18n';

/** A translated, user-facing message for any failure; never a raw server message or stack. */
export function errorMessage(lang: Lang, err: unknown, context: 'login' | 'general' = 'general'): string {
  const code = err instanceof ApiError ? err.code : 'unknown';
  if (context === 'login' && code === 'unauthenticated') return translate(lang, 'login.wrong');
  if (context === 'login' && code === 'invalid_argument') return translate(lang, 'login.empty');
  return translateDynamic(lang, 'err.' + code) ?? translate(lang, 'err.unknown');
}
