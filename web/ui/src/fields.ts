// The register's field catalogue, mirrored from appliance/core/person_fields.cpp
// (keys, labels, categories, which kinds of person a field applies to, input type).
// Unknown keys fall back to the key itself.
import type { Lang } from './i18n';
import type { PersonKind } from './api';

export type Category =
  | 'identity' | 'document' | 'contact' | 'address' | 'health'
  | 'social' | 'family' | 'education' | 'employment' | 'school';

export const CATEGORIES: Category[] = [
  'identity', 'document', 'contact', 'address', 'health',
  'social', 'family', 'education', 'employment', 'school',
];

/** text | long (multi-line) | date | choice | bool | int | phone | email | snils | inn */
export type FieldType = 'text' | 'long' | 'date' | 'choice' | 'bool' | 'int' | 'phone' | 'email' | 'snils' | 'inn';

export interface FieldDef {
  key: string;
  ru: string;
  en: string;
  cat: Category;
  /** s = student, t = staff, p = parent */
  kinds: string;
  type: FieldType;
  choices?: string[];
}

const SHIFTS = ['first', 'second', 'third'];
const ID_DOCS = ['birth_certificate', 'passport', 'foreign_birth_certificate', 'foreign_passport', 'residence_permit', 'other'];
const HEALTH = ['I', 'II', 'III', 'IV', 'V'];
const PE = ['main', 'preparatory', 'special', 'exempt'];
const MARITAL = ['married', 'single', 'divorced', 'widowed'];
const EDU = ['higher', 'incomplete_higher', 'secondary_vocational', 'secondary_general', 'basic_general', 'primary_general', 'none'];
const STAFF_CAT = ['administrative', 'teaching', 'support', 'service'];

type Row = [string, string, string, Category, string, FieldType, string[]?];

// prettier-ignore
const ROWS: Row[] = [
  // The name columns of the card (edited like fields).
  ['surname', 'Фамилия', 'Surname', 'identity', 'stp', 'text'],
  ['first_name', 'Имя', 'First name', 'identity', 'stp', 'text'],
  ['patronymic', 'Отчество', 'Patronymic', 'identity', 'stp', 'text'],
  ['birth_date', 'Дата рождения', 'Date of birth', 'identity', 'stp', 'date'],
  ['sex', 'Пол', 'Sex', 'identity', 'stp', 'choice', ['male', 'female']],

  ['enrolment_date', 'Дата зачисления', 'Enrolment date', 'school', 's', 'date'],
  ['shift', 'Смена', 'Shift', 'school', 's', 'choice', SHIFTS],
  ['personal_file_number', 'Номер личного дела', 'Personal file number', 'school', 's', 'text'],
  ['hire_date', 'Дата приёма на работу', 'Hire date', 'school', 't', 'date'],
  ['hire_order_number', 'Номер приказа о приёме на работу', 'Hire order number', 'school', 't', 'text'],
  ['main_position', 'Основная должность', 'Main position', 'school', 't', 'text'],
  ['additional_position', 'Дополнительная должность', 'Additional position', 'school', 't', 'text'],
  ['subjects_taught', 'Преподаваемые предметы', 'Subjects taught', 'school', 't', 'long'],
  ['staff_category', 'Категория персонала', 'Staff category', 'school', 't', 'choice', STAFF_CAT],

  ['id_document_type', 'Вид документа, удостоверяющего личность', 'Identity document type', 'document', 'stp', 'choice', ID_DOCS],
  ['id_document_series', 'Серия документа', 'Document series', 'document', 'stp', 'text'],
  ['id_document_number', 'Номер документа', 'Document number', 'document', 'stp', 'text'],
  ['id_document_issue_date', 'Дата выдачи документа', 'Document issue date', 'document', 'stp', 'date'],
  ['id_document_issuer', 'Кем выдан документ', 'Document issued by', 'document', 'stp', 'text'],
  ['id_document_issuer_code', 'Код подразделения', 'Issuing office code', 'document', 'stp', 'text'],
  ['snils', 'СНИЛС', 'SNILS (insurance number)', 'document', 'st', 'snils'],
  ['inn', 'ИНН', 'INN (taxpayer number)', 'document', 't', 'inn'],

  ['residence_address', 'Адрес фактического проживания', 'Residence address', 'address', 'stp', 'text'],
  ['registration_address', 'Адрес регистрации', 'Registration address', 'address', 'stp', 'text'],

  ['phone', 'Мобильный телефон', 'Mobile phone', 'contact', 'stp', 'phone'],
  ['home_phone', 'Домашний телефон', 'Home phone', 'contact', 'stp', 'phone'],
  ['work_phone', 'Рабочий телефон', 'Work phone', 'contact', 'p', 'phone'],
  ['email', 'Электронная почта', 'E-mail', 'contact', 'stp', 'email'],

  ['health_group', 'Группа здоровья', 'Health group', 'health', 's', 'choice', HEALTH],
  ['pe_group', 'Физкультурная группа', 'PE group', 'health', 's', 'choice', PE],
  ['special_conditions', 'Особые условия обучения', 'Special conditions', 'health', 's', 'long'],
  ['medical_policy_number', 'Номер полиса ОМС', 'Medical insurance policy number', 'health', 's', 'text'],
  ['medical_insurer', 'Страховая медицинская организация', 'Medical insurer', 'health', 's', 'text'],

  ['family_composition', 'Состав семьи', 'Family composition', 'social', 's', 'long'],
  ['social_status', 'Социальный статус семьи', 'Social status', 'social', 's', 'long'],
  ['deviant_behaviour', 'Девиантное поведение', 'Deviant behaviour', 'social', 's', 'long'],
  ['has_pc_at_home', 'Наличие компьютера дома', 'PC at home', 'social', 's', 'bool'],
  ['marital_status', 'Семейное положение', 'Marital status', 'social', 't', 'choice', MARITAL],

  ['education_level', 'Образование', 'Education level', 'education', 'tp', 'choice', EDU],
  ['education_institution', 'Оконченное учебное заведение', 'Educational institution', 'education', 't', 'text'],
  ['diploma_number', 'Номер диплома', 'Diploma number', 'education', 't', 'text'],
  ['diploma_date', 'Дата выдачи диплома', 'Diploma date', 'education', 't', 'date'],
  ['speciality', 'Специальность по диплому', 'Speciality', 'education', 't', 'text'],
  ['advanced_training', 'Курсы повышения квалификации', 'Advanced training courses', 'education', 't', 'long'],

  ['length_of_service_years', 'Стаж работы, лет', 'Length of service, years', 'employment', 't', 'int'],
  ['awards', 'Награды', 'Awards', 'employment', 't', 'long'],
  ['workplace', 'Место работы', 'Workplace', 'employment', 'p', 'text'],
  ['position', 'Должность', 'Position', 'employment', 'p', 'text'],
];

export const FIELDS: FieldDef[] = ROWS.map(([key, ru, en, cat, kinds, type, choices]) =>
  choices ? { key, ru, en, cat, kinds, type, choices } : { key, ru, en, cat, kinds, type },
);

const BY_KEY = new Map(FIELDS.map((f) => [f.key, f]));

/** The keys the card keeps in its name columns (in `person`, not in `fields`). */
export const CORE_KEYS = ['surname', 'first_name', 'patronymic', 'birth_date', 'sex'];

export function fieldDef(key: string): FieldDef | undefined {
  return BY_KEY.get(key);
}

export function fieldLabel(lang: Lang, key: string): string {
  const f = BY_KEY.get(key);
  return f ? f[lang] : key;
}

const KIND_LETTER: Record<PersonKind, string> = { student: 's', staff: 't', parent: 'p' };

export function fieldsFor(kind: PersonKind): FieldDef[] {
  return FIELDS.filter((f) => f.kinds.includes(KIND_LETTER[kind]));
}

export function isSensitive(cat: Category): boolean {
  return cat === 'health' || cat === 'social';
}

// Stored choice values are stable keys; their labels (unique across the lists above).
// prettier-ignore
const CHOICES: Record<string, [string, string]> = {
  male: ['мужской', 'male'], female: ['женский', 'female'],
  first: ['первая', 'first'], second: ['вторая', 'second'], third: ['третья', 'third'],
  birth_certificate: ['свидетельство о рождении', 'birth certificate'],
  passport: ['паспорт гражданина РФ', 'Russian passport'],
  foreign_birth_certificate: ['свидетельство о рождении (иностранное)', 'foreign birth certificate'],
  foreign_passport: ['паспорт иностранного гражданина', 'foreign passport'],
  residence_permit: ['вид на жительство', 'residence permit'],
  other: ['другой', 'other'],
  main: ['основная', 'main'], preparatory: ['подготовительная', 'preparatory'],
  special: ['специальная', 'special'], exempt: ['освобождён', 'exempt'],
  married: ['в браке', 'married'], single: ['не в браке', 'single'],
  divorced: ['в разводе', 'divorced'], widowed: ['вдова / вдовец', 'widowed'],
  higher: ['высшее', 'higher'], incomplete_higher: ['неоконченное высшее', 'incomplete higher'],
  secondary_vocational: ['среднее профессиональное', 'secondary vocational'],
  secondary_general: ['среднее общее', 'secondary general'],
  basic_general: ['основное общее', 'basic general'],
  primary_general: ['начальное общее', 'primary general'],
  none: ['нет', 'none'],
  administrative: ['административно-управленческий', 'administrative'],
  teaching: ['педагогический', 'teaching'],
  support: ['учебно-вспомогательный', 'teaching support'],
  service: ['обслуживающий', 'service'],
  true: ['да', 'yes'], false: ['нет', 'no'],
};

/** ISO date → DD.MM.YYYY in Russian; other values unchanged. */
export function formatDate(lang: Lang, iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m && lang === 'ru' ? `${m[3]}.${m[2]}.${m[1]}` : iso;
}

/** A stored value as people read it. */
export function displayValue(lang: Lang, key: string, value: string): string {
  const f = BY_KEY.get(key);
  if (!f) return value;
  if (f.type === 'date') return formatDate(lang, value);
  const ph = f.type === 'phone' ? /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(value) : null;
  if (ph) return `+7 ${ph[1]} ${ph[2]}-${ph[3]}-${ph[4]}`;
  if (f.type === 'choice' || f.type === 'bool') {
    const c = Object.prototype.hasOwnProperty.call(CHOICES, value) ? CHOICES[value] : undefined;
    if (c) return c[lang === 'ru' ? 0 : 1];
  }
  return value;
}

export function choiceLabel(lang: Lang, value: string): string {
  const c = Object.prototype.hasOwnProperty.call(CHOICES, value) ? CHOICES[value] : undefined;
  return c ? c[lang === 'ru' ? 0 : 1] : value;
}
