// The issue-4 API (/tmp contract "api.md"): the timetable and lessons, the
// journal grid and its save, lesson plans, the diary, the class teacher's
// summary and day attendance, the turnstile report and the journal control.
// Every call goes through api.ts (credentials, CSRF, ApiError).
import { API_BASE, apiRequest as request, apiUpload } from './api';

export interface Ref {
  id: number;
  name: string;
}

const qs = (o: Record<string, string | number | null | undefined>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  return p.toString();
};

const list = <T>(x: T[] | undefined | null): T[] => (Array.isArray(x) ? x : []);

// ---------------------------------------------------------------- the journal

export interface ScaleValue {
  value: string;
  numeric: number | null;
  passing: boolean;
}

export interface Scale {
  code: string;
  name: string;
  values: ScaleValue[];
}

export interface MarkKind {
  code: string;
  name: string;
  weight: number;
}

export type AttStatus = 'absent' | 'late';
export type AttReason = 'ill' | 'excused' | 'unexcused' | null;

export interface Att {
  status: AttStatus;
  reason: AttReason;
}

export interface JournalLesson {
  id: number;
  date: string;
  number: number;
  topic: string;
  homework: string;
  homeworkDue: string | null;
  status: 'planned' | 'cancelled';
  version: number;
  attendanceTaken: boolean;
  teacher: Ref | null;
  givenBy: Ref | null;
  locked: boolean;
  planTopicId?: number | null;
}

export interface JournalMark {
  lessonId: number;
  studentId: number;
  kind: string;
  value: string;
  comment?: string;
}

export interface JournalAtt extends Att {
  lessonId: number;
  studentId: number;
}

export interface Journal {
  class: Ref;
  group: Ref | null;
  subjectCode: string;
  scale: Scale;
  kinds: MarkKind[];
  students: Ref[];
  lessons: JournalLesson[];
  marks: JournalMark[];
  attendance: JournalAtt[];
  periods: { number: number; startsOn: string; endsOn: string; locked: boolean }[];
  averages: { studentId: number; period: number; average: number | null }[];
  finals: { studentId: number; period: number; value: string | null; suggested: string | null; average: number | null }[];
  canEdit: boolean;
}

export interface JournalQuery {
  classId: number;
  groupId: number | null;
  subjectCode: string;
  from: string;
  to: string;
}

export async function getJournal(q: JournalQuery): Promise<Journal> {
  const j = await request<Journal>('GET', '/journal?' + qs({ ...q }));
  j.students = list(j.students);
  j.lessons = list(j.lessons).sort((a, b) => (a.date === b.date ? a.number - b.number : a.date < b.date ? -1 : 1));
  j.marks = list(j.marks);
  j.attendance = list(j.attendance);
  j.periods = list(j.periods);
  j.averages = list(j.averages);
  j.finals = list(j.finals);
  j.kinds = list(j.kinds);
  j.scale = j.scale ?? { code: '', name: '', values: [] };
  j.scale.values = list(j.scale.values);
  return j;
}

export interface MarkChange {
  studentId: number;
  kind: string;
  value: string | null;
  was: string | null;
}

export interface AttChange {
  studentId: number;
  status: AttStatus | null;
  reason: AttReason;
  was: Att | null;
}

export interface LessonSave {
  version: number;
  topic?: string;
  planTopicId?: number | null;
  homework?: string;
  homeworkDue?: string | null;
  attendanceTaken?: boolean;
  marks: MarkChange[];
  attendance: AttChange[];
}

export async function saveLessonJournal(lessonId: number, body: LessonSave): Promise<number> {
  const r = await request<{ version: number }>('PUT', `/lessons/${lessonId}/journal`, body);
  return r.version;
}

/** A 409's details: the cells someone else changed, and the lesson's version now. */
export interface ConflictCell {
  studentId: number;
  kind?: string;
  yours: unknown;
  theirs: unknown;
  by?: string;
}

export interface ConflictDetails {
  cells: ConflictCell[];
  version: number;
}

export function conflictDetails(details: unknown): ConflictDetails | null {
  const d = details as Partial<ConflictDetails> | null | undefined;
  if (!d || !Array.isArray(d.cells) || typeof d.version !== 'number') return null;
  return { cells: d.cells, version: d.version };
}

export interface PlanTopic {
  id: number;
  ordinal: number;
  title: string;
  hours: number;
}

export async function getPlan(classId: number, groupId: number | null, subjectCode: string): Promise<PlanTopic[]> {
  const r = await request<{ topics?: PlanTopic[] }>('GET', '/plans?' + qs({ classId, groupId, subjectCode }));
  return list(r.topics);
}

export async function putPlan(
  classId: number,
  groupId: number | null,
  subjectCode: string,
  topics: { title: string; hours: number }[],
): Promise<PlanTopic[]> {
  const r = await request<{ topics?: PlanTopic[] }>('PUT', '/plans', { classId, groupId, subjectCode, topics });
  return list(r.topics);
}

// ---------------------------------------------------------------- final marks, period locks, grading

export interface FinalRow {
  studentId: number;
  name: string;
  average: number | null;
  suggested: string | null;
  value: string | null;
  confirmedBy: string | null;
}

export interface Finals {
  rows: FinalRow[];
  rounding: string;
}

export async function getFinals(classId: number, groupId: number | null, subjectCode: string, period: number): Promise<Finals> {
  const r = await request<Partial<Finals>>('GET', '/finals?' + qs({ classId, groupId, subjectCode, period }));
  return { rows: list(r.rows), rounding: r.rounding ?? '' };
}

export async function putFinals(
  classId: number,
  groupId: number | null,
  subjectCode: string,
  period: number,
  marks: { studentId: number; value: string; was: string | null }[],
): Promise<void> {
  await request<unknown>('PUT', '/finals', { classId, groupId, subjectCode, period, marks });
}

export interface PeriodLock {
  year: number;
  scheme: string;
  number: number;
  lockedBy: string;
  lockedAt: string;
}

export async function getLocks(year: number): Promise<PeriodLock[]> {
  const r = await request<{ locks?: PeriodLock[] }>('GET', '/periods/locks?' + qs({ year }));
  return list(r.locks);
}

export async function lockPeriod(year: number, scheme: string, number: number): Promise<void> {
  await request<unknown>('POST', '/periods/lock', { year, scheme, number });
}

export async function reopenPeriod(year: number, scheme: string, number: number, reason: string): Promise<void> {
  await request<unknown>('POST', '/periods/reopen', { year, scheme, number, reason });
}

export interface ScaleUse {
  year: number;
  grade: number;
  subjectCode: string;
  scaleCode: string;
}

export interface Grading {
  scales: Scale[];
  kinds: MarkKind[];
  uses: ScaleUse[];
  rounding: string;
}

export async function getGrading(): Promise<Grading> {
  const r = await request<Partial<Grading>>('GET', '/grading/scales');
  return {
    scales: list(r.scales).map((s) => ({ ...s, values: list(s.values) })),
    kinds: list(r.kinds),
    uses: list(r.uses),
    rounding: r.rounding ?? '',
  };
}

export async function putKind(code: string, name: string, weight: number): Promise<void> {
  await request<unknown>('PUT', '/grading/kinds/' + encodeURIComponent(code), { name, weight });
}

export async function putScaleUse(use: ScaleUse): Promise<void> {
  await request<unknown>('PUT', '/grading/uses', use);
}

// ---------------------------------------------------------------- the diary

export interface DiaryLesson {
  lessonId: number;
  number: number;
  startsAt: string;
  endsAt: string;
  subjectCode: string;
  teacher: Ref | null;
  topic: string;
  homework: string;
  homeworkDue: string | null;
  attachments: { id: number; fileName: string; size: number }[];
  status: string;
  marks: { kind: string; value: string; comment?: string }[];
  attendance: Att | null;
}

export interface Diary {
  student: { id: number; name: string; className: string };
  children: { id: number; name: string; className: string }[];
  weekOf: string;
  days: { date: string; lessons: DiaryLesson[] }[];
}

export async function getDiary(studentId: number | null, week: string): Promise<Diary> {
  const d = await request<Diary>('GET', '/diary?' + qs({ studentId, week }));
  d.children = list(d.children);
  d.days = list(d.days).map((day) => ({
    ...day,
    lessons: list(day.lessons).map((l) => ({ ...l, attachments: list(l.attachments), marks: list(l.marks) })),
  }));
  return d;
}

export async function uploadAttachment(lessonId: number, file: File): Promise<number> {
  const r = await apiUpload<{ id: number }>(`/lessons/${lessonId}/attachments`, file);
  return r.id;
}

export function attachmentUrl(id: number): string {
  return `${API_BASE}/attachments/${id}`;
}

// ---------------------------------------------------------------- the timetable

export type ScheduleKind = 'class' | 'teacher' | 'room' | 'student';

export interface ScheduledLesson {
  lessonId: number;
  number: number;
  startsAt: string;
  endsAt: string;
  subjectCode: string;
  classId: number;
  className: string;
  groupName: string;
  teacher: Ref | null;
  givenBy: Ref | null;
  room: string;
  status: 'planned' | 'cancelled';
  reason: string;
  substitution: boolean;
}

export interface ScheduleDay {
  date: string;
  lessons: ScheduledLesson[];
}

export async function getSchedule(kind: ScheduleKind, id: number, from: string, to: string): Promise<ScheduleDay[]> {
  const r = await request<{ days?: ScheduleDay[] }>('GET', '/schedule?' + qs({ kind, id, from, to }));
  return list(r.days).map((d) => ({ ...d, lessons: list(d.lessons) }));
}

export function icsUrl(kind: ScheduleKind, id: number): string {
  return `${API_BASE}/schedule.ics?${qs({ kind, id })}`;
}

export interface Entry {
  id: number;
  classId: number;
  className: string;
  groupId: number | null;
  groupName: string;
  subjectCode: string;
  staff: Ref;
  roomId: number | null;
  room: string;
  weekday: number;
  lessonNumber: number;
  validFrom: string;
  validTo: string;
}

export interface EntryInput {
  /** The school year (the timetable engineer's routes require it, beyond api.md). */
  year: number;
  classId: number;
  groupId: number | null;
  subjectCode: string;
  staffId: number;
  roomId: number | null;
  weekday: number;
  lessonNumber: number;
  validFrom: string;
  validTo: string;
}

export interface Conflict {
  kind: string;
  message: string;
  entryIds: number[];
  classId?: number;
  subjectCode?: string;
  planHours?: number;
  scheduledHours?: number;
}

export async function getTimetable(year: number, by: { classId?: number; staffId?: number; roomId?: number }): Promise<Entry[]> {
  const r = await request<{ entries?: Entry[] }>('GET', '/timetable?' + qs({ year, ...by }));
  return list(r.entries);
}

export async function createEntry(e: EntryInput): Promise<{ id: number; conflicts: Conflict[] }> {
  const r = await request<{ id: number; conflicts?: Conflict[] }>('POST', '/timetable/entries', e);
  return { id: r.id, conflicts: list(r.conflicts) };
}

export async function updateEntry(id: number, e: EntryInput): Promise<Conflict[]> {
  const r = await request<{ conflicts?: Conflict[] } | undefined>('PUT', `/timetable/entries/${id}`, e);
  return list(r?.conflicts);
}

export async function deleteEntry(id: number): Promise<void> {
  await request<unknown>('DELETE', `/timetable/entries/${id}`);
}

export async function getConflicts(year: number): Promise<Conflict[]> {
  const r = await request<{ conflicts?: Conflict[] }>('GET', '/timetable/conflicts?' + qs({ year }));
  return list(r.conflicts);
}

export interface Bells {
  id: number;
  name: string;
  shift: number | null;
  lessons: { number: number; startsAt: string; endsAt: string }[];
}

export async function getBells(): Promise<Bells[]> {
  const r = await request<{ schedules?: Bells[] }>('GET', '/bells');
  return list(r.schedules);
}

export async function substitute(lessonId: number, staffId: number, reason: string): Promise<void> {
  await request<unknown>('POST', `/lessons/${lessonId}/substitute`, { staffId, reason });
}

export async function cancelLesson(lessonId: number, reason: string): Promise<void> {
  await request<unknown>('POST', `/lessons/${lessonId}/cancel`, { reason });
}

// ---------------------------------------------------------------- the class teacher

export interface Absences {
  total: number;
  ill: number;
  excused: number;
  unexcused: number;
  late: number;
}

export interface SummaryRow {
  id: number;
  name: string;
  averages: { subjectCode: string; average: number | null }[];
  absences: Absences;
}

export async function getClassSummary(classId: number, from: string, to: string): Promise<SummaryRow[]> {
  const r = await request<{ students?: SummaryRow[] }>('GET', `/classes/${classId}/summary?` + qs({ from, to }));
  return list(r.students).map((s) => ({
    ...s,
    averages: list(s.averages),
    absences: s.absences ?? { total: 0, ill: 0, excused: 0, unexcused: 0, late: 0 },
  }));
}

export interface TurnstileRow {
  student: Ref;
  lessons: unknown[];
}

export interface TurnstileReport {
  date: string;
  inBuildingButAbsent: TurnstileRow[];
  markedPresentButNotInBuilding: TurnstileRow[];
}

export async function getTurnstileReport(classId: number, date: string): Promise<TurnstileReport> {
  const r = await request<TurnstileReport>('GET', `/classes/${classId}/turnstile-report?` + qs({ date }));
  return { date: r.date, inBuildingButAbsent: list(r.inBuildingButAbsent), markedPresentButNotInBuilding: list(r.markedPresentButNotInBuilding) };
}

export async function putDayAttendance(
  classId: number,
  date: string,
  students: { studentId: number; status: 'absent' | null; reason: AttReason }[],
): Promise<void> {
  await request<unknown>('PUT', `/classes/${classId}/attendance/day`, { date, students });
}

// ---------------------------------------------------------------- journal control

export interface Remark {
  id: number;
  staff: Ref;
  classId: number | null;
  className: string;
  subjectCode: string;
  weekOf: string;
  text: string;
  createdBy: string;
  createdAt: string;
  fixedAt: string | null;
}

export interface ControlLine {
  classId: number;
  className: string;
  subjectCode: string;
  lessons: number;
  marks: number;
  withoutTopic: number;
  withoutAttendance: number;
}

export interface ControlTeacher {
  staff: Ref;
  lessons: number;
  withoutTopic: number;
  withoutAttendance: number;
  marks: number;
  byClass: ControlLine[];
}

export interface ControlWeek {
  weekOf: string;
  teachers: ControlTeacher[];
  remarks: Remark[];
}

export async function getControlWeek(week: string): Promise<ControlWeek> {
  const r = await request<ControlWeek>('GET', '/control/week?' + qs({ week }));
  return {
    weekOf: r.weekOf,
    teachers: list(r.teachers).map((t) => ({ ...t, byClass: list(t.byClass) })),
    remarks: list(r.remarks),
  };
}

export async function addRemark(r: { staffId: number; classId: number | null; subjectCode: string; weekOf: string; text: string }): Promise<void> {
  await request<unknown>('POST', '/control/remarks', r);
}

export async function getMyRemarks(): Promise<Remark[]> {
  const r = await request<{ remarks?: Remark[] }>('GET', '/remarks/mine');
  return list(r.remarks);
}

export async function markRemarkFixed(id: number): Promise<void> {
  await request<unknown>('POST', `/remarks/${id}/fixed`);
}

// ---------------------------------------------------------------- dates

/** YYYY-MM-DD of a local date. */
export function isoDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function parseIso(s: string): Date {
  const [y, m, d] = s.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

export function addDays(s: string, n: number): string {
  const d = parseIso(s);
  d.setDate(d.getDate() + n);
  return isoDate(d);
}

/** The Monday of the week of a date. */
export function mondayOf(s: string): string {
  const d = parseIso(s);
  const wd = (d.getDay() + 6) % 7;
  d.setDate(d.getDate() - wd);
  return isoDate(d);
}

export function monthRange(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number);
  const last = new Date(y ?? 1970, m ?? 1, 0).getDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}
