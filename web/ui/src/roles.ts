// Role codes (from the directory) → navigation sections and translated labels.
import type { MessageKey } from './i18n';

export type SectionId =
  | 'journal' | 'schedule' | 'myClass' | 'diary' | 'accounts' | 'registry'
  | 'reports' | 'summaryReports' | 'nodes' | 'updates' | 'audit' | 'me'
  | 'imports';

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
  { id: 'journal', path: '/journal', label: 'nav.journal', ready: false },
  { id: 'schedule', path: '/schedule', label: 'nav.schedule', ready: false },
  { id: 'myClass', path: '/my-class', label: 'nav.myClass', ready: false },
  { id: 'diary', path: '/diary', label: 'nav.diary', ready: false },
  { id: 'accounts', path: '/accounts', label: 'nav.accounts', ready: false },
  { id: 'registry', path: '/registry', label: 'nav.registry', ready: true, nested: true },
  { id: 'reports', path: '/reports', label: 'nav.reports', ready: false },
  { id: 'summaryReports', path: '/summary-reports', label: 'nav.summaryReports', ready: false },
  { id: 'nodes', path: '/nodes', label: 'nav.nodes', ready: false },
  { id: 'updates', path: '/updates', label: 'nav.updates', ready: false },
  { id: 'audit', path: '/audit', label: 'nav.audit', ready: true },
  { id: 'imports', path: '/imports', label: 'nav.imports', ready: true },
  { id: 'me', path: '/me', label: 'nav.me', ready: true },
];

const BY_ROLE: Record<string, SectionId[]> = {
  teacher: ['journal', 'schedule', 'registry'],
  class_teacher: ['myClass', 'registry'],
  student: ['diary', 'registry'],
  parent: ['diary', 'registry'],
  sysadmin: ['accounts', 'registry'],
  coordinator: ['registry', 'reports', 'imports'],
  secretary: ['registry', 'reports', 'imports'],
  principal: ['registry', 'reports', 'audit'],
  analyst: ['summaryReports'],
  regional_admin: ['nodes', 'updates'],
};

export const HOME_PATH = '/me';

/** Roles that keep the school register and see all of it ("Реестр"); others see only
 *  the people they are related to, under the name "Люди". Mirrors the server's rule. */
const REGISTER_KEEPERS = ['coordinator', 'secretary', 'principal'];

/** Sections for a set of roles, in a fixed order, without repeats; "Who am I" always last. */
export function sectionsFor(roles: string[]): Section[] {
  const wanted = new Set<SectionId>(['me']);
  for (const r of roles) for (const id of BY_ROLE[r] ?? []) wanted.add(id);
  const keeper = roles.some((r) => REGISTER_KEEPERS.includes(r));
  return SECTIONS.filter((s) => wanted.has(s.id)).map((s) =>
    s.id === 'registry' && !keeper ? { ...s, label: 'nav.people' } : s,
  );
}

/** The section a path belongs to, if the user has it. */
export function sectionFor(sections: Section[], path: string): Section | undefined {
  return sections.find((s) => s.path === path || (s.nested && path.startsWith(s.path + '/')));
}
