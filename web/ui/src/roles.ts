// Navigation sections, offered by what the user's permissions allow, with translated labels.
import type { MessageKey } from './i18n';

export type SectionId =
  | 'journal' | 'schedule' | 'myClass' | 'diary' | 'accounts' | 'registry'
  | 'reports' | 'summaryReports' | 'nodes' | 'updates' | 'audit' | 'me' | 'movements'
  | 'imports'
  | 'academic' | 'classes' | 'calendar' | 'myLoad' | 'yearClosing'
  | 'control' | 'remarks'
  | 'plans' | 'periods' | 'grading'
  | 'federation' | 'returns';

export interface Section {
  id: SectionId;
  path: string;
  label: MessageKey;
  /** Real page (true) or an honest "coming later" placeholder. */
  ready: boolean;
  /** Also owns the paths below it (e.g. /registry/42). */
  nested?: boolean;
}

const SECTIONS: Section[] = [
  { id: 'journal', path: '/journal', label: 'nav.journal', ready: true },
  { id: 'schedule', path: '/schedule', label: 'nav.schedule', ready: true, nested: true },
  { id: 'myLoad', path: '/my-load', label: 'nav.myLoad', ready: true },
  { id: 'remarks', path: '/remarks', label: 'nav.remarks', ready: true },
  { id: 'myClass', path: '/my-class', label: 'nav.myClass', ready: true },
  { id: 'diary', path: '/diary', label: 'nav.diary', ready: true },
  { id: 'control', path: '/control', label: 'nav.control', ready: true },
  { id: 'plans', path: '/plans', label: 'nav.plans', ready: true },
  { id: 'periods', path: '/periods', label: 'nav.periods', ready: true },
  { id: 'grading', path: '/grading', label: 'nav.grading', ready: true },
  { id: 'accounts', path: '/accounts', label: 'nav.accounts', ready: false },
  { id: 'registry', path: '/registry', label: 'nav.registry', ready: true, nested: true },
  { id: 'movements', path: '/movements', label: 'nav.movements', ready: true },
  { id: 'reports', path: '/reports', label: 'nav.reports', ready: true, nested: true },
  { id: 'classes', path: '/classes', label: 'nav.classes', ready: true },
  { id: 'academic', path: '/academic', label: 'nav.academic', ready: true, nested: true },
  { id: 'calendar', path: '/calendar', label: 'nav.calendar', ready: true },
  { id: 'yearClosing', path: '/year-closing', label: 'nav.yearClosing', ready: true },
  { id: 'nodes', path: '/nodes', label: 'nav.nodes', ready: true },
  { id: 'returns', path: '/returns', label: 'nav.returns', ready: true },
  { id: 'summaryReports', path: '/summary-reports', label: 'nav.summaryReports', ready: true },
  { id: 'federation', path: '/federation', label: 'nav.federation', ready: true },
  { id: 'updates', path: '/updates', label: 'nav.updates', ready: false },
  { id: 'audit', path: '/audit', label: 'nav.audit', ready: true },
  { id: 'imports', path: '/imports', label: 'nav.imports', ready: true },
  { id: 'me', path: '/me', label: 'nav.me', ready: true },
];

// Sections with real pages are offered by permission (GET /me sends what the
// user's roles allow; a school may redefine its roles, so role names decide
// nothing here). The server checks every request again.
const CARD_READING = ['edit_all_cards', 'read_all_cards', 'read_all_cards_basic', 'read_taught', 'read_children', 'edit_own_class'];

const BY_PERMISSION: Record<string, SectionId[]> = {
  read_movement_book: ['movements'],
  browse_register: ['reports'],
  read_audit: ['audit'],
  import_people: ['imports'],
  read_academic: ['academic'],
  read_classes: ['classes'],
  read_calendar: ['calendar'],
  read_own_load: ['myLoad'],
  preview_year_closing: ['yearClosing'],
  // issue 4: the journal, the diary, the timetable, the journal control
  keep_journal: ['journal', 'remarks', 'plans'],
  keep_any_journal: ['journal', 'plans'],
  read_all_journals: ['journal'],
  read_own_diary: ['diary', 'schedule'],
  read_children_diary: ['diary', 'schedule'],
  read_timetable: ['schedule'],
  control_journal: ['control'],
  read_class_journal: ['myClass'],
  lock_periods: ['periods'],
  edit_grading: ['grading'],
};

// Sections not built yet have no permissions yet: they stay keyed by role
// names until they get their own.
const PLANNED_BY_ROLE: Record<string, SectionId[]> = {
  sysadmin: ['accounts'],
  regional_admin: ['updates'],
};

export const HOME_PATH = '/me';

/** What a municipal or regional node has: its children, their returns and reports, the federation, accounts, updates. */
const HUB_SECTIONS: SectionId[] = ['me', 'nodes', 'returns', 'summaryReports', 'federation', 'accounts', 'updates'];

/** May create cards and write the movement book. */
export function isKeeper(permissions: string[]): boolean {
  return permissions.includes('keep_register');
}

export interface Access {
  roles: string[];
  permissions: string[];
  /** The node's role ("school", "municipal", "regional"): only a school keeps a register. */
  node: string;
}

/** Sections for a user, in a fixed order, without repeats; "Who am I" always last.
 *  The register is there on a school for everyone (at least their own card), under the
 *  name "Реестр" for those who browse all of it and "Люди" for the rest. */
export function sectionsFor({ roles, permissions, node }: Access): Section[] {
  const wanted = new Set<SectionId>(['me']);
  const readsCards = permissions.some((p) => CARD_READING.includes(p));
  if (node === 'school' || readsCards) wanted.add('registry');
  for (const p of permissions) for (const id of BY_PERMISSION[p] ?? []) wanted.add(id);
  for (const r of roles) for (const id of PLANNED_BY_ROLE[r] ?? []) wanted.add(id);
  // Issue 5: a school or municipal node towards its parent; a hub's children.
  if (permissions.includes('read_federation')) {
    if (node !== 'regional') wanted.add('federation');
    if (node !== 'school') for (const id of ['nodes', 'returns', 'summaryReports'] as const) wanted.add(id);
  }
  // A hub keeps no school: a sysadmin there has the permissions of the role,
  // but the register, timetable and journal sections would be empty pages.
  if (node !== 'school') for (const id of [...wanted]) if (!HUB_SECTIONS.includes(id)) wanted.delete(id);
  const browses = permissions.includes('browse_register');
  return SECTIONS.filter((s) => wanted.has(s.id)).map((s) =>
    s.id === 'registry' && !browses ? { ...s, label: 'nav.people' } : s,
  );
}

/** The section a path belongs to, if the user has it. */
export function sectionFor(sections: Section[], path: string): Section | undefined {
  return sections.find((s) => s.path === path || (s.nested && path.startsWith(s.path + '/')));
}
