// Role codes (from the directory) → navigation sections and translated labels.
import type { MessageKey } from './i18n';

export type SectionId =
  | 'journal' | 'schedule' | 'myClass' | 'diary' | 'accounts' | 'registry'
  | 'reports' | 'summaryReports' | 'nodes' | 'updates' | 'me';

export interface Section {
  id: SectionId;
  path: string;
  label: MessageKey;
  /** Real page (true) or an honest "coming later" placeholder. */
  ready: boolean;
}

const SECTIONS: Section[] = [
  { id: 'journal', path: '/journal', label: 'nav.journal', ready: false },
  { id: 'schedule', path: '/schedule', label: 'nav.schedule', ready: false },
  { id: 'myClass', path: '/my-class', label: 'nav.myClass', ready: false },
  { id: 'diary', path: '/diary', label: 'nav.diary', ready: false },
  { id: 'accounts', path: '/accounts', label: 'nav.accounts', ready: false },
  { id: 'registry', path: '/registry', label: 'nav.registry', ready: false },
  { id: 'reports', path: '/reports', label: 'nav.reports', ready: false },
  { id: 'summaryReports', path: '/summary-reports', label: 'nav.summaryReports', ready: false },
  { id: 'nodes', path: '/nodes', label: 'nav.nodes', ready: false },
  { id: 'updates', path: '/updates', label: 'nav.updates', ready: false },
  { id: 'me', path: '/me', label: 'nav.me', ready: true },
];

const BY_ROLE: Record<string, SectionId[]> = {
  teacher: ['journal', 'schedule'],
  class_teacher: ['myClass'],
  student: ['diary'],
  parent: ['diary'],
  sysadmin: ['accounts'],
  coordinator: ['registry', 'reports'],
  secretary: ['registry', 'reports'],
  principal: ['registry', 'reports'],
  analyst: ['summaryReports'],
  regional_admin: ['nodes', 'updates'],
};

export const HOME_PATH = '/me';

/** Sections for a set of roles, in a fixed order, without repeats; "Who am I" always last. */
export function sectionsFor(roles: string[]): Section[] {
  const wanted = new Set<SectionId>(['me']);
  for (const r of roles) for (const id of BY_ROLE[r] ?? []) wanted.add(id);
  return SECTIONS.filter((s) => wanted.has(s.id));
}
