// All user-visible strings live here: one table per language.
// Russian is the default; English is chosen with the header switch and kept in localStorage.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

const ru = {
  'product.name': 'Парта',
  'product.tagline': 'Информационная система школы',
  'app.loading': 'Загрузка…',
  'app.skip': 'Перейти к содержимому',
  'app.retry': 'Повторить',
  'app.startError': 'Не удалось открыть систему',

  'lang.label': 'Язык интерфейса',
  'lang.ru': 'Русский',
  'lang.en': 'English',

  'login.title': 'Вход в систему',
  'login.login': 'Логин',
  'login.password': 'Пароль',
  'login.submit': 'Войти',
  'login.submitting': 'Вход…',
  'login.empty': 'Введите логин и пароль.',
  'login.wrong': 'Неверный логин или пароль.',
  'login.expired': 'Сеанс завершён. Войдите снова.',
  'login.hint': 'Логин и пароль выдаёт системный администратор вашей школы.',

  'header.node': 'Узел',
  'header.user': 'Пользователь',
  'header.logout': 'Выйти',
  'header.loggingOut': 'Выход…',
  'header.menu': 'Меню',
  'header.menuOpen': 'Открыть меню разделов',
  'header.menuClose': 'Закрыть меню разделов',

  'nav.label': 'Разделы',
  'nav.journal': 'Журнал',
  'nav.schedule': 'Расписание',
  'nav.myClass': 'Мой класс',
  'nav.diary': 'Дневник',
  'nav.accounts': 'Учётные записи',
  'nav.registry': 'Реестр',
  'nav.reports': 'Отчёты',
  'nav.summaryReports': 'Сводные отчёты',
  'nav.nodes': 'Узлы',
  'nav.updates': 'Обновления',
  'nav.me': 'Кто я',

  'placeholder.text': 'Раздел появится в следующих версиях.',
  'notFound.title': 'Страница не найдена',
  'notFound.text': 'Такого раздела нет или он недоступен для вашей роли.',
  'notFound.back': 'Перейти на страницу «Кто я»',

  'me.title': 'Кто я',
  'me.account': 'Учётная запись',
  'me.name': 'Имя',
  'me.login': 'Логин',
  'me.roles': 'Роли',
  'me.noRoles': 'Роли не назначены',
  'me.node': 'Узел',
  'me.nodeName': 'Название',
  'me.nodeRole': 'Тип узла',
  'me.nodeCode': 'Код',

  'role.teacher': 'Учитель',
  'role.class_teacher': 'Классный руководитель',
  'role.student': 'Обучающийся',
  'role.parent': 'Родитель (законный представитель)',
  'role.sysadmin': 'Системный администратор',
  'role.coordinator': 'Координатор',
  'role.secretary': 'Секретарь',
  'role.principal': 'Администрация',
  'role.analyst': 'Аналитик управления образования',
  'role.regional_admin': 'Региональный администратор',

  'node.school': 'Школа',
  'node.municipal': 'Муниципальный узел',
  'node.regional': 'Региональный узел',

  'err.network': 'Нет связи с сервером. Проверьте подключение к сети и повторите попытку.',
  'err.timeout': 'Сервер не ответил вовремя. Повторите попытку позже.',
  'err.unauthenticated': 'Требуется вход в систему.',
  'err.invalid_argument': 'Запрос содержит неверные данные. Проверьте введённые значения.',
  'err.unavailable': 'Сервер временно недоступен. Повторите попытку позже.',
  'err.permission_denied': 'Недостаточно прав для этого действия.',
  'err.not_found': 'Запрошенные данные не найдены.',
  'err.already_exists': 'Такая запись уже существует.',
  'err.failed_precondition': 'Действие сейчас невозможно.',
  'err.resource_exhausted': 'Слишком много попыток. Подождите немного и повторите.',
  'err.internal': 'Внутренняя ошибка сервера. Если она повторяется, сообщите системному администратору.',
  'err.unknown': 'Произошла ошибка. Повторите попытку позже.',
};

export type MessageKey = keyof typeof ru;

const en: Record<MessageKey, string> = {
  'product.name': 'Parta',
  'product.tagline': 'School information system',
  'app.loading': 'Loading…',
  'app.skip': 'Skip to content',
  'app.retry': 'Try again',
  'app.startError': 'Could not open the system',

  'lang.label': 'Interface language',
  'lang.ru': 'Русский',
  'lang.en': 'English',

  'login.title': 'Sign in',
  'login.login': 'Login',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.empty': 'Enter your login and password.',
  'login.wrong': 'Wrong login or password.',
  'login.expired': 'Your session has ended. Please sign in again.',
  'login.hint': 'Your login and password are issued by your school’s system administrator.',

  'header.node': 'Node',
  'header.user': 'User',
  'header.logout': 'Log out',
  'header.loggingOut': 'Logging out…',
  'header.menu': 'Menu',
  'header.menuOpen': 'Open the section menu',
  'header.menuClose': 'Close the section menu',

  'nav.label': 'Sections',
  'nav.journal': 'Journal',
  'nav.schedule': 'Timetable',
  'nav.myClass': 'My class',
  'nav.diary': 'Diary',
  'nav.accounts': 'Accounts',
  'nav.registry': 'Registry',
  'nav.reports': 'Reports',
  'nav.summaryReports': 'Consolidated reports',
  'nav.nodes': 'Nodes',
  'nav.updates': 'Updates',
  'nav.me': 'Who am I',

  'placeholder.text': 'Coming in a later version.',
  'notFound.title': 'Page not found',
  'notFound.text': 'This section does not exist or is not available for your role.',
  'notFound.back': 'Go to “Who am I”',

  'me.title': 'Who am I',
  'me.account': 'Account',
  'me.name': 'Name',
  'me.login': 'Login',
  'me.roles': 'Roles',
  'me.noRoles': 'No roles assigned',
  'me.node': 'Node',
  'me.nodeName': 'Name',
  'me.nodeRole': 'Node type',
  'me.nodeCode': 'Code',

  'role.teacher': 'Teacher',
  'role.class_teacher': 'Class teacher',
  'role.student': 'Student',
  'role.parent': 'Parent (legal representative)',
  'role.sysadmin': 'System administrator',
  'role.coordinator': 'Coordinator',
  'role.secretary': 'Secretary',
  'role.principal': 'School administration',
  'role.analyst': 'Education department analyst',
  'role.regional_admin': 'Regional administrator',

  'node.school': 'School',
  'node.municipal': 'Municipal node',
  'node.regional': 'Regional node',

  'err.network': 'No connection to the server. Check the network connection and try again.',
  'err.timeout': 'The server did not answer in time. Please try again later.',
  'err.unauthenticated': 'Please sign in.',
  'err.invalid_argument': 'The request contains invalid data. Check the values you entered.',
  'err.unavailable': 'The server is temporarily unavailable. Please try again later.',
  'err.permission_denied': 'You do not have permission for this action.',
  'err.not_found': 'The requested data was not found.',
  'err.already_exists': 'Such a record already exists.',
  'err.failed_precondition': 'This action is not possible right now.',
  'err.resource_exhausted': 'Too many attempts. Wait a little and try again.',
  'err.internal': 'Internal server error. If it happens again, tell your system administrator.',
  'err.unknown': 'Something went wrong. Please try again later.',
};

export type Lang = 'ru' | 'en';
const tables: Record<Lang, Record<MessageKey, string>> = { ru, en };
const STORAGE_KEY = 'parta.lang';

export function translate(lang: Lang, key: MessageKey): string {
  return tables[lang][key];
}

/** Looks up a key built at run time (role codes, error codes); undefined when absent. */
export function translateDynamic(lang: Lang, key: string): string | undefined {
  const table = tables[lang] as Record<string, string>;
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

export function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'ru';
  } catch {
    return 'ru';
  }
}

export function applyLang(lang: Lang): void {
  document.documentElement.lang = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* storage may be disabled; the choice then lasts for this page only */
  }
}

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey) => string;
}

export const I18nContext = createContext<I18n>({
  lang: 'ru',
  setLang: () => undefined,
  t: (key) => ru[key],
});

export function useI18n(): I18n {
  return useContext(I18nContext);
}
