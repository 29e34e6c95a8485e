// The register's field catalogue, loaded once after login from GET /api/v1/fields
// (defined in the core, appliance/core/person_fields.cpp: keys, labels, categories,
// which kinds of person a field applies to, input type, choices and their labels).
// Here only the types and the helpers that render with it. Unknown keys fall back
// to the key itself.
import type { Lang } from './i18n';
import type { PersonKind } from './api';
import { getFieldCatalogue, type FieldCatalogue } from './api';

export type Category =
  | 'identity' | 'document' | 'contact' | 'address' | 'health'
  | 'social' | 'family' | 'education' | 'employment' | 'school';

/** The core's field types (FieldType in person_fields.hpp). */
export type FieldType =
  | 'text' | 'name' | 'date' | 'sex' | 'snils' | 'inn' | 'phone' | 'email' | 'integer' | 'boolean' | 'choice';

export interface FieldDef {
  key: string;
  ru: string;
  en: string;
  cat: Category;
  kinds: PersonKind[];
  type: FieldType;
  /** Long text: a text area. */
  multiLine: boolean;
  needsConsent: boolean;
  /** Kept in the card's own columns (`person`), not in `fields`. */
  column: boolean;
  /** The values offered (choice, sex, boolean). */
  choices?: string[];
}

/** Every category, in the order a card groups its fields. */
export let CATEGORIES: Category[] = [];
export let FIELDS: FieldDef[] = [];
/** The keys the card keeps in its name columns (in `person`, not in `fields`). */
export let CORE_KEYS: string[] = [];
let BY_KEY = new Map<string, FieldDef>();
let SENSITIVE = new Set<string>();
// Stored choice values are stable keys, unique across the lists.
let CHOICES = new Map<string, [string, string]>();

function apply(c: FieldCatalogue): void {
  CATEGORIES = c.categories.map((x) => x.key as Category);
  SENSITIVE = new Set(c.categories.filter((x) => x.sensitive).map((x) => x.key));
  CHOICES = new Map();
  FIELDS = c.fields.map((f) => {
    for (const o of f.choices ?? []) CHOICES.set(o.value, [o.label.ru, o.label.en]);
    const def: FieldDef = {
      key: f.key,
      ru: f.label.ru,
      en: f.label.en,
      cat: f.category as Category,
      kinds: f.kinds as PersonKind[],
      type: f.type as FieldType,
      multiLine: f.multiLine === true,
      needsConsent: f.needsConsent,
      column: f.column,
    };
    if (f.choices) def.choices = f.choices.map((o) => o.value);
    return def;
  });
  BY_KEY = new Map(FIELDS.map((f) => [f.key, f]));
  CORE_KEYS = FIELDS.filter((f) => f.column).map((f) => f.key);
}

let loaded: Promise<void> | null = null;

/** Loads the catalogue once per page (the browser caches it too); call after login. */
export function loadFieldCatalogue(): Promise<void> {
  loaded ??= getFieldCatalogue().then(apply, (err) => {
    loaded = null;
    throw err;
  });
  return loaded;
}

export function fieldDef(key: string): FieldDef | undefined {
  return BY_KEY.get(key);
}

export function fieldLabel(lang: Lang, key: string): string {
  const f = BY_KEY.get(key);
  return f ? f[lang] : key;
}

export function fieldsFor(kind: PersonKind): FieldDef[] {
  return FIELDS.filter((f) => f.kinds.includes(kind));
}

export function isSensitive(cat: Category): boolean {
  return SENSITIVE.has(cat);
}

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
  if (f.choices) return choiceLabel(lang, value);
  return value;
}

export function choiceLabel(lang: Lang, value: string): string {
  const c = CHOICES.get(value);
  return c ? c[lang === 'ru' ? 0 : 1] : value;
}
