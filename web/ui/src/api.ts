// Thin wrapper over fetch for the partad JSON API (/api/v1).
// - same-origin credentials (the session cookie is HttpOnly; the app never sees it);
// - X-CSRF-Token on every state-changing request once the token is known;
// - every failure becomes an ApiError with a code the UI translates.

export interface User {
  id: string;
  name: string;
  roles: string[];
  /** What the roles allow (a school may redefine roles): the UI decides by these, not by role names. */
  permissions: string[];
}

export interface School {
  role: string;
  name: string;
  code: string;
}

export interface Session {
  user: User;
  school: School;
  csrfToken: string;
}

/** Codes from the server's error body, plus 'network' and 'timeout' made here. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  /** The error body's "details", when it has them (e.g. the cells of a journal conflict). */
  readonly details: unknown;

  constructor(code: string, status: number, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

const BASE = '/api/v1';
const TIMEOUT_MS = 20000;
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

function codeForStatus(status: number): string {
  switch (status) {
    case 400: return 'invalid_argument';
    case 401: return 'unauthenticated';
    case 403: return 'permission_denied';
    case 404: return 'not_found';
    case 409: return 'conflict';
    case 422: return 'failed_precondition';
    case 429: return 'resource_exhausted';
    case 502: case 503: case 504: return 'unavailable';
    default: return status >= 500 ? 'internal' : 'unknown';
  }
}

async function request<T>(method: string, path: string, body?: unknown, cache: RequestCache = 'no-store'): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache,
      signal: abort.signal,
    });
  } catch (e) {
    const timedOut = e instanceof DOMException && e.name === 'AbortError';
    throw new ApiError(timedOut ? 'timeout' : 'network', 0, String(e));
  } finally {
    clearTimeout(timer);
  }

  if (res.status === 204) return undefined as T;

  let data: unknown = undefined;
  const text = await res.text().catch(() => '');
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }

  if (!res.ok) {
    const err = (data as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    const code = typeof err?.code === 'string' && err.code ? err.code : codeForStatus(res.status);
    const message = typeof err?.message === 'string' ? err.message : res.statusText;
    throw new ApiError(code, res.status, message, err?.details);
  }
  if (data === undefined) throw new ApiError('internal', res.status, 'response is not JSON');
  return data as T;
}

function checkSession(s: Session): Session {
  if (!s || typeof s !== 'object' || !s.user || !s.school || typeof s.user.name !== 'string') {
    throw new ApiError('internal', 200, 'unexpected session shape');
  }
  if (!Array.isArray(s.user.roles)) s.user.roles = [];
  if (!Array.isArray(s.user.permissions)) s.user.permissions = [];
  setCsrfToken(typeof s.csrfToken === 'string' ? s.csrfToken : null);
  return s;
}

export async function getMe(): Promise<Session> {
  return checkSession(await request<Session>('GET', '/me'));
}

export async function login(loginName: string, password: string): Promise<Session> {
  return checkSession(await request<Session>('POST', '/session', { login: loginName, password }));
}

/** Ends the session. On failure the token is kept, since the session may still be alive. */
export async function logout(): Promise<void> {
  await request<void>('DELETE', '/session');
  setCsrfToken(null);
}

// ---------- the school register ----------

/** GET /api/v1/fields: the register's field catalogue, defined in the core. */
export interface FieldCatalogue {
  categories: { key: string; sensitive: boolean }[];
  fields: {
    key: string;
    label: { ru: string; en: string };
    category: string;
    kinds: string[];
    needsConsent: boolean;
    type: string;
    column: boolean;
    maxLength?: number;
    multiLine?: boolean;
    choices?: { value: string; label: { ru: string; en: string } }[];
  }[];
}

/** Changes only with partad: the browser may keep it (Cache-Control, ETag). */
export async function getFieldCatalogue(): Promise<FieldCatalogue> {
  const c = await request<FieldCatalogue>('GET', '/fields', undefined, 'default');
  if (!c || !Array.isArray(c.categories) || !Array.isArray(c.fields))
    throw new ApiError('internal', 200, 'unexpected field catalogue shape');
  return c;
}

export type PersonKind = 'student' | 'staff' | 'parent';

export interface PersonSummary {
  id: number;
  kind: PersonKind;
  surname: string;
  firstName: string;
  patronymic: string;
  birthDate: string;
  sex: string;
  className: string;
}

export interface PersonCard {
  person: PersonSummary;
  version: number;
  consent: boolean;
  fields: Record<string, string>;
  access: { sensitive: boolean; edit: boolean };
}

export interface HistoryEntry {
  changedAt: string;
  changedBy: string;
  field: string;
  newValue: string | null;
  oldValue: string | null;
}

export interface AuditEntry {
  action: string;
  actor: string;
  at: number;
  detail: string;
  subjectId: number | null;
  subjectType: string;
}

export async function searchPeople(kind: PersonKind, q: string, limit: number, offset: number): Promise<PersonSummary[]> {
  const qs = new URLSearchParams({ kind, q, limit: String(limit), offset: String(offset) });
  const r = await request<{ people?: PersonSummary[] }>('GET', '/people?' + qs.toString());
  return Array.isArray(r.people) ? r.people : [];
}

export async function getPerson(id: number): Promise<PersonCard> {
  const r = await request<PersonCard>('GET', '/people/' + id);
  if (!r || !r.person) throw new ApiError('internal', 200, 'unexpected card shape');
  r.fields = r.fields || {};
  r.access = r.access || { sensitive: false, edit: false };
  return r;
}

export async function updatePerson(id: number, version: number, fields: Record<string, string | null>): Promise<number> {
  const r = await request<{ version: number }>('PATCH', '/people/' + id, { version, fields });
  return r.version;
}

export async function getHistory(id: number): Promise<HistoryEntry[]> {
  const r = await request<{ history?: HistoryEntry[] }>('GET', '/people/' + id + '/history');
  return Array.isArray(r.history) ? r.history : [];
}

export async function getAudit(limit = 200): Promise<AuditEntry[]> {
  const r = await request<{ entries?: AuditEntry[] }>('GET', '/audit?limit=' + limit);
  return Array.isArray(r.entries) ? r.entries : [];
}

// ---------- card creation, consent, the movement book, reports ----------

export interface NewPerson {
  kind: PersonKind;
  surname: string;
  firstName: string;
  patronymic: string;
  birthDate: string;
  sex: string;
}

export async function createPerson(person: NewPerson): Promise<number> {
  const r = await request<{ id: number }>('POST', '/people', person);
  if (!r || typeof r.id !== 'number') throw new ApiError('internal', 201, 'unexpected answer');
  return r.id;
}

export async function recordConsent(id: number, givenOn: string, documentRef: string): Promise<void> {
  await request<unknown>('POST', '/people/' + id + '/consent', { givenOn, documentRef });
}

export async function withdrawConsent(id: number, on: string): Promise<void> {
  await request<void>('DELETE', '/people/' + id + '/consent?' + new URLSearchParams({ on }).toString());
}

export async function peopleWithoutConsent(): Promise<PersonSummary[]> {
  const r = await request<{ people?: PersonSummary[] }>('GET', '/reports/without-consent');
  return Array.isArray(r.people) ? r.people : [];
}

export type MovementKind = 'admission' | 'transfer' | 'transfer_out' | 'departure' | 'graduation' | 'undo';

export interface Movement {
  id: number;
  kind: MovementKind;
  date: string;
  orderNumber: string;
  orderDate: string;
  fromClass: string;
  toClass: string;
  destination: string;
  reason: string;
  undoes: number | null;
  undone: boolean;
  recordedBy: string;
  student: PersonSummary;
}

export interface MovementFilter {
  student?: number;
  kind?: string;
  from?: string;
  to?: string;
}

export async function getMovements(filter: MovementFilter): Promise<Movement[]> {
  const qs = new URLSearchParams();
  if (filter.student) qs.set('student', String(filter.student));
  if (filter.kind) qs.set('kind', filter.kind);
  if (filter.from) qs.set('from', filter.from);
  if (filter.to) qs.set('to', filter.to);
  const r = await request<{ movements?: Movement[] }>('GET', '/movements?' + qs.toString());
  return Array.isArray(r.movements) ? r.movements : [];
}

export interface MovementInput {
  kind: MovementKind;
  date: string;
  orderNumber: string;
  orderDate: string;
  toClass?: number;
  destination?: string;
  reason?: string;
  undoes?: number;
}

export async function recordMovement(student: number, input: MovementInput): Promise<number> {
  const r = await request<{ id: number }>('POST', '/people/' + student + '/movements', input);
  return r.id;
}

export interface SchoolClass {
  id: number;
  name: string;
  academicYear?: number;
}

/**
 * The classes a student may move to: those of every open school year
 * (GET /api/v1/years, then GET /api/v1/classes?year= for each open one).
 */
export async function listClasses(): Promise<SchoolClass[]> {
  const years = (await getYears()).filter((y) => y.status === 'open');
  const lists = await Promise.all(years.map((y) => getClasses(y.year)));
  return lists.flat().map((c) => ({ id: c.id, name: c.name, academicYear: c.year }));
}

// ---------- import and export of the register ----------

export interface ImportReport {
  summary: { create: number; update: number; unchanged: number; errors: number };
  rows: { line: number; ref: string; action: 'create' | 'update' | 'unchanged' | 'invalid'; fields: string[] }[];
  errors: { line: number; field: string; message: string }[];
  dryRun: boolean;
}

export interface AdmissionOrder {
  orderNumber: string;
  orderDate: string;
}

/** Sends the CSV file as text/csv. A refused apply (422) still carries the report: it is returned, not thrown. */
export async function importPeople(csv: string, dryRun: boolean, order: AdmissionOrder): Promise<ImportReport> {
  const params = new URLSearchParams({ dryRun: String(dryRun) });
  if (order.orderNumber || order.orderDate) {
    params.set('orderNumber', order.orderNumber);
    params.set('orderDate', order.orderDate);
  }
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'text/csv; charset=utf-8' };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(BASE + '/imports/people?' + params.toString(), {
      method: 'POST', headers, body: csv, credentials: 'same-origin', cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError('network', 0, String(e));
  }
  const data = (await res.json().catch(() => undefined)) as (ImportReport & { error?: { code?: string; message?: string } }) | undefined;
  if (data && Array.isArray(data.rows) && (res.ok || res.status === 422)) return data;
  throw new ApiError(data?.error?.code ?? codeForStatus(res.status), res.status, data?.error?.message ?? res.statusText);
}

export const EXPORT_PEOPLE_CSV = BASE + '/export/people.csv';
export const EXPORT_ONEROSTER_ZIP = BASE + '/export/oneroster.zip';

// ---------- the academic structure and the year closing ----------

export interface SchoolYear {
  year: number;
  startsOn: string;
  endsOn: string;
  status: 'open' | 'closed';
}

export async function getYears(): Promise<SchoolYear[]> {
  const r = await request<{ years?: SchoolYear[] }>('GET', '/years');
  return Array.isArray(r.years) ? r.years : [];
}

/** The year pages start with: the earliest open year (the one being taught), else the latest. */
export function currentYear(years: SchoolYear[]): number | null {
  const open = years.filter((y) => y.status === 'open').map((y) => y.year);
  if (open.length) return Math.min(...open);
  return years.length ? Math.max(...years.map((y) => y.year)) : null;
}

export interface ClassRow {
  id: number;
  year: number;
  grade: number;
  letter: string;
  name: string;
  shift: number;
  profile: string;
  classTeacherId: number | null;
  classTeacherName: string;
  students: number;
  capacity: number | null;
}

export async function getClasses(year: number): Promise<ClassRow[]> {
  const r = await request<{ classes?: ClassRow[] }>('GET', '/classes?year=' + year);
  return Array.isArray(r.classes) ? r.classes : [];
}

export type PeriodScheme = 'quarter' | 'trimester' | 'half_year' | 'semester';

export interface SchoolCalendar {
  year: number;
  schemes: { grade: number; scheme: PeriodScheme }[];
  periods: { scheme: PeriodScheme; number: number; startsOn: string; endsOn: string }[];
  holidays: { name: string; startsOn: string; endsOn: string; gradeFrom: number | null; gradeTo: number | null }[];
}

export async function getCalendar(year: number): Promise<SchoolCalendar> {
  return request<SchoolCalendar>('GET', '/years/' + year + '/calendar');
}

export async function putCalendar(c: SchoolCalendar): Promise<SchoolCalendar> {
  return request<SchoolCalendar>('PUT', '/years/' + c.year + '/calendar', {
    schemes: c.schemes, periods: c.periods, holidays: c.holidays,
  });
}

export interface PlanLine {
  subjectCode: string;
  period: number;
  hours: number;
}

function planQuery(year: number, grade: number, profile: string): string {
  return '/curriculum?' + new URLSearchParams({ year: String(year), grade: String(grade), profile }).toString();
}

export async function getCurriculum(year: number, grade: number, profile: string): Promise<PlanLine[]> {
  const r = await request<{ lines?: PlanLine[] }>('GET', planQuery(year, grade, profile));
  return Array.isArray(r.lines) ? r.lines : [];
}

export async function putCurriculum(year: number, grade: number, profile: string, lines: PlanLine[]): Promise<PlanLine[]> {
  const r = await request<{ lines?: PlanLine[] }>('PUT', planQuery(year, grade, profile), { lines });
  return Array.isArray(r.lines) ? r.lines : [];
}

export interface TeacherLoad {
  staffId: number;
  name: string;
  hours: number;
  lines: { id: number; classId: number; className: string; groupId: number | null; groupName: string; subjectCode: string; hours: number }[];
}

export async function getLoad(year: number): Promise<TeacherLoad[]> {
  const r = await request<{ teachers?: TeacherLoad[] }>('GET', '/load?year=' + year);
  return Array.isArray(r.teachers) ? r.teachers : [];
}

export interface PlanIssue {
  classId: number;
  className: string;
  groupId: number | null;
  groupName: string;
  subjectCode: string;
  planHours: number;
  assignedHours: number;
  kind: string;
}

export async function checkPlan(year: number): Promise<PlanIssue[]> {
  const r = await request<{ issues?: PlanIssue[] }>('GET', '/curriculum/check?year=' + year);
  return Array.isArray(r.issues) ? r.issues : [];
}

export interface StudentRef {
  id: number;
  surname: string;
  firstName: string;
  patronymic: string;
}

export interface ClosingRequest {
  order: { number: string; date: string };
  staysBack: number[];
  continuing: { student: number; toClass?: string }[];
  fingerprint?: string;
}

export interface ClosingPlan {
  year: number;
  nextYear: number;
  fingerprint: string;
  createsNextYear: boolean;
  order: { number: string; date: string };
  totals: { classes: number; promoted: number; graduates: number; staysBack: number; curriculumLines: number; assignments: number };
  classes: {
    name: string;
    grade: number;
    letter: string;
    profile: string;
    classTeacher: { id: number; name: string } | null;
    from: string | null;
    promoted: { count: number; students: StudentRef[] };
    staysBack: { count: number; students: StudentRef[] };
  }[];
  graduates: { count: number; classes: { class: string; count: number; students: StudentRef[] }[] };
  curriculum: { count: number; alreadyThere: boolean };
  assignments: { count: number; groupAssignmentsNotCarried: number };
  closed?: boolean;
}

export async function previewClosing(year: number, body: ClosingRequest): Promise<ClosingPlan> {
  return request<ClosingPlan>('POST', '/years/' + year + '/closing/preview', body);
}

export async function applyClosing(year: number, body: ClosingRequest): Promise<ClosingPlan> {
  return request<ClosingPlan>('POST', '/years/' + year + '/closing', body);
}

export interface ClosingRecord {
  year: number;
  order: { number: string; date: string };
  closedBy: string;
  closedAt: string;
  students: { class: string; student: StudentRef; outcome: 'promoted' | 'graduated' | 'kept_back'; toClass: string | null }[];
}

export async function getClosingRecord(year: number): Promise<ClosingRecord> {
  return request<ClosingRecord>('GET', '/years/' + year + '/closing');
}

// ---------- issue 4: the timetable, the journal, the diary, the school day ----------
// Their calls live in lessons-api.ts; they share this module's request().

export function apiRequest<T>(method: string, path: string, body?: unknown): Promise<T> {
  return request<T>(method, path, body);
}

export const API_BASE = BASE;

/** Sends a file as the raw body (its type and name in headers); answers like request(). */
export async function apiUpload<T>(path: string, file: File): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Content-Type': file.type || 'application/octet-stream',
    'X-File-Name': encodeURIComponent(file.name),
  };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(BASE + path, { method: 'POST', headers, body: file, credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    throw new ApiError('network', 0, String(e));
  }
  const data = (await res.json().catch(() => undefined)) as (T & { error?: { code?: string; message?: string } }) | undefined;
  if (!res.ok) throw new ApiError(data?.error?.code ?? codeForStatus(res.status), res.status, data?.error?.message ?? res.statusText);
  return data as T;
}
