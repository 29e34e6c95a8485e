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

  'nav.people': 'Люди',
  'nav.audit': 'Журнал доступа',

  'reg.kinds': 'Кого показать',
  'reg.kind.student': 'Обучающиеся',
  'reg.kind.staff': 'Сотрудники',
  'reg.kind.parent': 'Родители',
  'reg.kindOne.student': 'Обучающийся',
  'reg.kindOne.staff': 'Сотрудник',
  'reg.kindOne.parent': 'Родитель (законный представитель)',
  'reg.search': 'Поиск',
  'reg.searchHint': 'Начало фамилии, имени или отчества',
  'reg.colName': 'ФИО',
  'reg.colClass': 'Класс',
  'reg.colBirth': 'Дата рождения',
  'reg.more': 'Показать ещё',
  'reg.loading': 'Загрузка…',
  'reg.empty': 'Никого не найдено.',
  'reg.shown': 'Показано записей',
  'reg.print': 'Печать',

  'card.back': 'К списку',
  'card.tabs': 'Разделы карточки',
  'card.tabCard': 'Карточка',
  'card.tabHistory': 'История изменений',
  'card.edit': 'Изменить',
  'card.save': 'Сохранить',
  'card.saving': 'Сохранение…',
  'card.cancel': 'Отмена',
  'card.saved': 'Изменения сохранены.',
  'card.noChanges': 'Нет изменений для сохранения.',
  'card.consent': 'Согласие на обработку ПДн',
  'card.consentYes': 'есть',
  'card.consentNo': 'нет',
  'card.sensitiveHidden': 'Сведения о здоровье и социальном положении скрыты.',
  'card.noFields': 'Других сведений в карточке нет.',
  'card.conflict': 'Пока вы редактировали карточку, её изменил другой пользователь. Загрузите новую версию и внесите изменения снова.',
  'card.reload': 'Загрузить заново',
  'card.class': 'Класс',
  'card.fixErrors': 'Исправьте ошибки в отмеченных полях.',
  'card.notSet': '— не указано —',
  'card.editTitle': 'Изменение карточки',

  'cat.identity': 'Личные данные',
  'cat.document': 'Документы',
  'cat.contact': 'Контакты',
  'cat.address': 'Адреса',
  'cat.health': 'Здоровье',
  'cat.social': 'Социальное положение',
  'cat.family': 'Семья',
  'cat.education': 'Образование',
  'cat.employment': 'Работа',
  'cat.school': 'Сведения школы',
  'cat.other': 'Прочее',

  'fe.required': 'Обязательное поле.',
  'fe.checksum': 'Неверное контрольное число — проверьте цифры.',
  'fe.consent': 'Нет согласия на обработку персональных данных: это поле нельзя заполнить.',
  'fe.date': 'Неверная дата. Пример: 01.09.2014.',
  'fe.phone': 'Неверный номер телефона. Пример: +7 912 345-67-89.',
  'fe.snils': 'Ожидается 11 цифр СНИЛС. Пример: 112-233-445 95.',
  'fe.inn': 'Ожидается ИНН физического лица из 12 цифр.',
  'fe.email': 'Неверный адрес электронной почты. Пример: name@example.ru.',
  'fe.name': 'Допустимы только буквы, дефис, апостроф и пробел.',
  'fe.long': 'Слишком длинное значение.',
  'fe.line': 'Значение должно умещаться в одну строку.',
  'fe.int': 'Ожидается целое число.',
  'fe.choice': 'Выберите значение из списка.',
  'fe.invalid': 'Неверное значение.',

  'hist.when': 'Когда',
  'hist.who': 'Кто изменил',
  'hist.field': 'Поле',
  'hist.old': 'Было',
  'hist.new': 'Стало',
  'hist.empty': 'Изменений не было.',

  'audit.when': 'Время',
  'audit.actor': 'Пользователь',
  'audit.action': 'Действие',
  'audit.subject': 'Карточка',
  'audit.detail': 'Подробности',
  'audit.empty': 'Записей нет.',
  'audit.a.card.read': 'Просмотр карточки',
  'audit.a.card.update': 'Изменение карточки',
  'audit.a.card.history': 'Просмотр истории',
  'audit.d.full': 'полностью',
  'audit.d.without health and social': 'без сведений о здоровье и социальном положении',

  'print.system': 'Парта — информационная система школы',
  'print.at': 'Дата печати',
  'print.by': 'Напечатал(а)',

  'err.conflict': 'Данные изменились. Обновите страницу и повторите.',
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

  'nav.people': 'People',
  'nav.audit': 'Access log',

  'reg.kinds': 'Whom to show',
  'reg.kind.student': 'Students',
  'reg.kind.staff': 'Staff',
  'reg.kind.parent': 'Parents',
  'reg.kindOne.student': 'Student',
  'reg.kindOne.staff': 'Staff member',
  'reg.kindOne.parent': 'Parent (legal representative)',
  'reg.search': 'Search',
  'reg.searchHint': 'Start of a surname, first name or patronymic',
  'reg.colName': 'Full name',
  'reg.colClass': 'Class',
  'reg.colBirth': 'Date of birth',
  'reg.more': 'Show more',
  'reg.loading': 'Loading…',
  'reg.empty': 'Nobody found.',
  'reg.shown': 'Records shown',
  'reg.print': 'Print',

  'card.back': 'Back to the list',
  'card.tabs': 'Card sections',
  'card.tabCard': 'Card',
  'card.tabHistory': 'Change history',
  'card.edit': 'Edit',
  'card.save': 'Save',
  'card.saving': 'Saving…',
  'card.cancel': 'Cancel',
  'card.saved': 'Changes saved.',
  'card.noChanges': 'Nothing to save.',
  'card.consent': 'Consent to personal data processing',
  'card.consentYes': 'on record',
  'card.consentNo': 'none',
  'card.sensitiveHidden': 'Health and social information is hidden.',
  'card.noFields': 'The card holds no other information.',
  'card.conflict': 'Someone else changed this card while you were editing it. Load the new version and make your changes again.',
  'card.reload': 'Load again',
  'card.class': 'Class',
  'card.fixErrors': 'Correct the marked fields.',
  'card.notSet': '— not set —',
  'card.editTitle': 'Editing the card',

  'cat.identity': 'Personal details',
  'cat.document': 'Documents',
  'cat.contact': 'Contacts',
  'cat.address': 'Addresses',
  'cat.health': 'Health',
  'cat.social': 'Social situation',
  'cat.family': 'Family',
  'cat.education': 'Education',
  'cat.employment': 'Employment',
  'cat.school': 'School records',
  'cat.other': 'Other',

  'fe.required': 'Required.',
  'fe.checksum': 'Wrong check number — check the digits.',
  'fe.consent': 'No consent to personal data processing is on record: this field cannot be filled in.',
  'fe.date': 'Invalid date. Example: 01.09.2014.',
  'fe.phone': 'Invalid phone number. Example: +7 912 345-67-89.',
  'fe.snils': 'Expected the 11 digits of a SNILS. Example: 112-233-445 95.',
  'fe.inn': 'Expected a person’s INN of 12 digits.',
  'fe.email': 'Invalid e-mail address. Example: name@example.ru.',
  'fe.name': 'Only letters, hyphens, apostrophes and spaces.',
  'fe.long': 'The value is too long.',
  'fe.line': 'The value must fit on one line.',
  'fe.int': 'Expected a whole number.',
  'fe.choice': 'Choose a value from the list.',
  'fe.invalid': 'Invalid value.',

  'hist.when': 'When',
  'hist.who': 'Changed by',
  'hist.field': 'Field',
  'hist.old': 'Before',
  'hist.new': 'After',
  'hist.empty': 'No changes yet.',

  'audit.when': 'Time',
  'audit.actor': 'User',
  'audit.action': 'Action',
  'audit.subject': 'Card',
  'audit.detail': 'Details',
  'audit.empty': 'No entries.',
  'audit.a.card.read': 'Card viewed',
  'audit.a.card.update': 'Card changed',
  'audit.a.card.history': 'History viewed',
  'audit.d.full': 'in full',
  'audit.d.without health and social': 'without health and social information',

  'print.system': 'Parta — school information system',
  'print.at': 'Printed on',
  'print.by': 'Printed by',

  'err.conflict': 'The data has changed. Reload the page and try again.',
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
