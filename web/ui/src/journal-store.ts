// The journal grid's model, apart from its screen: what a typed text means
// (a mark of the scale or an attendance code), and GridStore — the journal as
// read, the edits not saved yet per lesson with the value seen per cell
// ("was"), the request that saves a lesson, and what a save or a conflict's
// resolution leaves. A cell subscribes to its own key, so one edit re-renders
// one cell.
import type { MessageKey } from './i18n';
import type { Att, AttChange, Journal, JournalLesson, LessonSave, MarkChange } from './lessons-api';

// ---------------------------------------------------------------- values typed into a cell

/** Attendance codes as Russian journals write them. */
export const ATT_CODES: { code: string; att: Att }[] = [
  { code: 'н', att: { status: 'absent', reason: null } },
  { code: 'б', att: { status: 'absent', reason: 'ill' } },
  { code: 'у', att: { status: 'absent', reason: 'excused' } },
  { code: 'оп', att: { status: 'late', reason: null } },
];

export function attCode(a: Att | null | undefined): string {
  if (!a) return '';
  if (a.status === 'late') return 'оп';
  if (a.reason === 'ill') return 'б';
  if (a.reason === 'excused') return 'у';
  return 'н';
}

export function attLabel(t: (k: MessageKey) => string, a: Att | null | undefined): string {
  if (!a) return t('jr.present');
  const c = attCode(a);
  return c === 'оп' ? t('jr.att.late') : c === 'б' ? t('jr.att.ill') : c === 'у' ? t('jr.att.excused') : t('jr.att.absent');
}

// A teacher who forgot to switch the keyboard layout types "y" for «н».
const QWERTY = 'qwertyuiop[]asdfghjkl;\'zxcvbnm,.';
const JCUKEN = 'йцукенгшщзхъфывапролджэячсмитьбю';

function norm(s: string): string {
  return s.trim().toLowerCase().replace(/ё/g, 'е');
}

function toCyrillic(s: string): string {
  return [...s].map((ch) => {
    const i = QWERTY.indexOf(ch);
    return i >= 0 ? JCUKEN[i] : ch;
  }).join('');
}

export type Parsed = { kind: 'mark'; value: string } | { kind: 'att'; att: Att } | null;

/** What a typed text means: a value of the scale, an attendance code, or nothing. */
export function parseEntry(text: string, scale: string[]): Parsed {
  const tries = [norm(text)];
  const cyr = toCyrillic(tries[0] ?? '');
  if (cyr !== tries[0]) tries.push(cyr);
  for (const s of tries) {
    if (!s) return null;
    const a = ATT_CODES.find((c) => c.code === s);
    if (a) return { kind: 'att', att: a.att };
    const exact = scale.find((v) => norm(v) === s);
    if (exact) return { kind: 'mark', value: exact };
  }
  for (const s of tries) {
    const prefix = scale.filter((v) => norm(v).startsWith(s ?? ''));
    if (prefix.length === 1 && prefix[0]) return { kind: 'mark', value: prefix[0] };
  }
  return null;
}

// ---------------------------------------------------------------- the store

type CellKey = string; // `${lessonId}:${studentId}`
export const cellKey = (lessonId: number, studentId: number): CellKey => `${lessonId}:${studentId}`;

interface Pending<T> {
  value: T;
  was: T;
}

export interface LessonMeta {
  topic?: string;
  planTopicId?: number | null;
  homework?: string;
  homeworkDue?: string | null;
  attendanceTaken?: boolean;
}

interface LessonPending {
  marks: Map<string, Pending<string | null>>; // `${studentId}:${kind}`
  att: Map<number, Pending<Att | null>>;
  meta: LessonMeta;
}

export interface CellView {
  marks: { kind: string; value: string; dirty: boolean }[];
  att: Att | null;
  dirty: boolean;
}

function sameAtt(a: Att | null | undefined, b: Att | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.status === b.status && (a.reason ?? null) === (b.reason ?? null);
}

export class GridStore {
  j!: Journal;
  lessons = new Map<number, JournalLesson>();
  marks = new Map<CellKey, Map<string, string>>();
  att = new Map<CellKey, Att>();
  pending = new Map<number, LessonPending>();
  saving = new Set<number>();
  activeCol = 0;
  private cellSubs = new Map<CellKey, Set<() => void>>();
  private subs = new Set<() => void>();

  constructor(j: Journal) {
    this.load(j);
  }

  /** New data from the server; edits not saved yet stay. */
  load(j: Journal): void {
    this.j = j;
    this.lessons = new Map(j.lessons.map((l) => [l.id, l]));
    this.marks = new Map();
    for (const m of j.marks) {
      const k = cellKey(m.lessonId, m.studentId);
      let byKind = this.marks.get(k);
      if (!byKind) this.marks.set(k, (byKind = new Map()));
      byKind.set(m.kind, m.value);
    }
    this.att = new Map(j.attendance.map((a) => [cellKey(a.lessonId, a.studentId), { status: a.status, reason: a.reason ?? null }]));
    this.cellSubs.forEach((s) => s.forEach((fn) => fn()));
    this.changed();
  }

  subscribeCell(k: CellKey, fn: () => void): () => void {
    let s = this.cellSubs.get(k);
    if (!s) this.cellSubs.set(k, (s = new Set()));
    s.add(fn);
    return () => s?.delete(fn);
  }

  subscribe(fn: () => void): () => void {
    this.subs.add(fn);
    return () => this.subs.delete(fn);
  }

  changed(): void {
    this.subs.forEach((fn) => fn());
  }

  private cellChanged(lessonId: number, studentId: number): void {
    this.cellSubs.get(cellKey(lessonId, studentId))?.forEach((fn) => fn());
  }

  private lessonPending(lessonId: number): LessonPending {
    let p = this.pending.get(lessonId);
    if (!p) this.pending.set(lessonId, (p = { marks: new Map(), att: new Map(), meta: {} }));
    return p;
  }

  private dropIfEmpty(lessonId: number): void {
    const p = this.pending.get(lessonId);
    if (p && p.marks.size === 0 && p.att.size === 0 && Object.keys(p.meta).length === 0) this.pending.delete(lessonId);
  }

  baseMark(lessonId: number, studentId: number, kind: string): string | null {
    return this.marks.get(cellKey(lessonId, studentId))?.get(kind) ?? null;
  }

  baseAtt(lessonId: number, studentId: number): Att | null {
    return this.att.get(cellKey(lessonId, studentId)) ?? null;
  }

  editable(lessonId: number): boolean {
    const l = this.lessons.get(lessonId);
    return !!l && this.j.canEdit && !l.locked && l.status !== 'cancelled';
  }

  setMark(lessonId: number, studentId: number, kind: string, value: string | null): void {
    const p = this.lessonPending(lessonId);
    const k = `${studentId}:${kind}`;
    const base = this.baseMark(lessonId, studentId, kind);
    const prev = p.marks.get(k);
    if (value === base) p.marks.delete(k);
    else p.marks.set(k, { value, was: prev ? prev.was : base });
    this.dropIfEmpty(lessonId);
    this.cellChanged(lessonId, studentId);
    this.changed();
  }

  setAtt(lessonId: number, studentId: number, att: Att | null): void {
    const p = this.lessonPending(lessonId);
    const base = this.baseAtt(lessonId, studentId);
    const prev = p.att.get(studentId);
    if (sameAtt(att, base)) p.att.delete(studentId);
    else p.att.set(studentId, { value: att, was: prev ? prev.was : base });
    this.dropIfEmpty(lessonId);
    this.cellChanged(lessonId, studentId);
    this.changed();
  }

  setMeta(lessonId: number, meta: LessonMeta): void {
    const p = this.lessonPending(lessonId);
    Object.assign(p.meta, meta);
    this.changed();
  }

  meta(lessonId: number): Required<Omit<LessonMeta, 'planTopicId'>> & { planTopicId: number | null } {
    const l = this.lessons.get(lessonId);
    const m = this.pending.get(lessonId)?.meta ?? {};
    return {
      topic: m.topic ?? l?.topic ?? '',
      planTopicId: m.planTopicId !== undefined ? m.planTopicId : l?.planTopicId ?? null,
      homework: m.homework ?? l?.homework ?? '',
      homeworkDue: m.homeworkDue !== undefined ? m.homeworkDue : l?.homeworkDue ?? null,
      attendanceTaken: m.attendanceTaken ?? l?.attendanceTaken ?? false,
    };
  }

  cellView(lessonId: number, studentId: number): CellView {
    const p = this.pending.get(lessonId);
    const base = this.marks.get(cellKey(lessonId, studentId));
    const kinds = this.j.kinds.map((k) => k.code);
    const seen = new Set<string>();
    const marks: CellView['marks'] = [];
    const add = (kind: string) => {
      if (seen.has(kind)) return;
      seen.add(kind);
      const pend = p?.marks.get(`${studentId}:${kind}`);
      const value = pend ? pend.value : base?.get(kind) ?? null;
      if (value !== null) marks.push({ kind, value, dirty: !!pend });
      else if (pend) marks.push({ kind, value: '', dirty: true });
    };
    kinds.forEach(add);
    base?.forEach((_, kind) => add(kind));
    p?.marks.forEach((_, k) => {
      if (k.startsWith(studentId + ':')) add(k.slice(String(studentId).length + 1));
    });
    const pa = p?.att.get(studentId);
    const att = pa ? pa.value : this.baseAtt(lessonId, studentId);
    return { marks, att, dirty: marks.some((m) => m.dirty) || !!pa };
  }

  dirtyLessons(): number[] {
    return this.j.lessons.map((l) => l.id).filter((id) => this.pending.has(id));
  }

  /** The request that saves a lesson's edits, and what it sent (to forget them once saved). */
  request(lessonId: number): { body: LessonSave; sent: LessonPending } | null {
    const p = this.pending.get(lessonId);
    const l = this.lessons.get(lessonId);
    if (!p || !l) return null;
    const marks: MarkChange[] = [];
    p.marks.forEach((v, k) => {
      const i = k.indexOf(':');
      marks.push({ studentId: Number(k.slice(0, i)), kind: k.slice(i + 1), value: v.value, was: v.was });
    });
    const attendance: AttChange[] = [];
    p.att.forEach((v, studentId) =>
      attendance.push({ studentId, status: v.value ? v.value.status : null, reason: v.value ? v.value.reason : null, was: v.was }),
    );
    const body: LessonSave = { version: l.version, marks, attendance };
    const m = p.meta;
    if (m.topic !== undefined) body.topic = m.topic;
    if (m.planTopicId !== undefined) body.planTopicId = m.planTopicId;
    if (m.homework !== undefined) body.homework = m.homework;
    if (m.homeworkDue !== undefined) body.homeworkDue = m.homeworkDue;
    if (m.attendanceTaken !== undefined) body.attendanceTaken = m.attendanceTaken;
    else if (attendance.length > 0) body.attendanceTaken = true;
    const sent: LessonPending = { marks: new Map(p.marks), att: new Map(p.att), meta: { ...p.meta } };
    return { body, sent };
  }

  /** A save went through: what was sent is the stored value now. */
  saved(lessonId: number, sent: LessonPending, body: LessonSave, version: number): void {
    const l = this.lessons.get(lessonId);
    const p = this.pending.get(lessonId);
    if (l) {
      l.version = version;
      if (body.topic !== undefined) l.topic = body.topic;
      if (body.planTopicId !== undefined) l.planTopicId = body.planTopicId;
      if (body.homework !== undefined) l.homework = body.homework;
      if (body.homeworkDue !== undefined) l.homeworkDue = body.homeworkDue;
      if (body.attendanceTaken !== undefined) l.attendanceTaken = body.attendanceTaken;
    }
    const touched = new Set<number>();
    sent.marks.forEach((v, k) => {
      const i = k.indexOf(':');
      const studentId = Number(k.slice(0, i));
      const kind = k.slice(i + 1);
      const ck = cellKey(lessonId, studentId);
      let byKind = this.marks.get(ck);
      if (!byKind) this.marks.set(ck, (byKind = new Map()));
      if (v.value === null) byKind.delete(kind);
      else byKind.set(kind, v.value);
      const now = p?.marks.get(k);
      if (now === v) p?.marks.delete(k);
      else if (now) now.was = v.value;
      touched.add(studentId);
    });
    sent.att.forEach((v, studentId) => {
      const ck = cellKey(lessonId, studentId);
      if (v.value) this.att.set(ck, v.value);
      else this.att.delete(ck);
      const now = p?.att.get(studentId);
      if (now === v) p?.att.delete(studentId);
      else if (now) now.was = v.value;
      touched.add(studentId);
    });
    if (p) {
      for (const key of Object.keys(sent.meta) as (keyof LessonMeta)[]) {
        if (p.meta[key] === sent.meta[key]) delete p.meta[key];
      }
      this.dropIfEmpty(lessonId);
    }
    touched.forEach((s) => this.cellChanged(lessonId, s));
    this.changed();
  }

  /** The teacher's choices on a conflict: theirs replaces the edit, yours is sent again over theirs. */
  resolve(lessonId: number, version: number, choices: { studentId: number; attendance: boolean; kind: string; theirs: unknown; keepMine: boolean }[]): void {
    const l = this.lessons.get(lessonId);
    if (l) l.version = version;
    const p = this.pending.get(lessonId);
    for (const c of choices) {
      const ck = cellKey(lessonId, c.studentId);
      if (c.attendance) {
        const theirs = toAtt(c.theirs);
        if (theirs) this.att.set(ck, theirs);
        else this.att.delete(ck);
        const mine = p?.att.get(c.studentId);
        if (mine && c.keepMine) mine.was = theirs;
        else p?.att.delete(c.studentId);
      } else {
        const theirs = typeof c.theirs === 'string' ? c.theirs : null;
        let byKind = this.marks.get(ck);
        if (!byKind) this.marks.set(ck, (byKind = new Map()));
        if (theirs === null) byKind.delete(c.kind);
        else byKind.set(c.kind, theirs);
        const k = `${c.studentId}:${c.kind}`;
        const mine = p?.marks.get(k);
        if (mine && c.keepMine) mine.was = theirs;
        else p?.marks.delete(k);
      }
      this.cellChanged(lessonId, c.studentId);
    }
    this.dropIfEmpty(lessonId);
    this.changed();
  }
}

/** Attendance as a conflict's "theirs"/"yours" may carry it: an object, a status, a code, or null. */
export function toAtt(x: unknown): Att | null {
  if (!x) return null;
  if (typeof x === 'object' && 'status' in (x as object)) {
    const o = x as { status: unknown; reason?: unknown };
    if (o.status !== 'absent' && o.status !== 'late') return null;
    return { status: o.status, reason: (o.reason as Att['reason']) ?? null };
  }
  if (typeof x === 'string') {
    // "absent", "late", "absent/ill" (status/reason), or a journal code
    const [status, reason] = x.split('/');
    if (status === 'absent' || status === 'late')
      return { status, reason: reason === 'ill' || reason === 'excused' || reason === 'unexcused' ? reason : null };
    return ATT_CODES.find((c) => c.code === x)?.att ?? null;
  }
  return null;
}

