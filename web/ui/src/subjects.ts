// Names of the subject codes the curriculum and assignments use (the
// federal plan's subjects); an unknown code is shown as it is.
import type { Lang } from './i18n';

const NAMES: Record<string, [string, string]> = {
  russian: ['Русский язык', 'Russian'],
  literary_reading: ['Литературное чтение', 'Literary reading'],
  literature: ['Литература', 'Literature'],
  foreign_language: ['Иностранный язык', 'Foreign language'],
  math: ['Математика', 'Mathematics'],
  algebra: ['Алгебра', 'Algebra'],
  geometry: ['Геометрия', 'Geometry'],
  probability: ['Вероятность и статистика', 'Probability and statistics'],
  informatics: ['Информатика', 'Computer science'],
  world: ['Окружающий мир', 'The world around us'],
  orkse: ['Основы религиозных культур и светской этики', 'Religious cultures and secular ethics'],
  history: ['История', 'History'],
  social_studies: ['Обществознание', 'Social studies'],
  odnknr: ['Основы духовно-нравственной культуры народов России', 'Spiritual and moral culture of the peoples of Russia'],
  geography: ['География', 'Geography'],
  biology: ['Биология', 'Biology'],
  physics: ['Физика', 'Physics'],
  chemistry: ['Химия', 'Chemistry'],
  music: ['Музыка', 'Music'],
  art: ['Изобразительное искусство', 'Art'],
  technology: ['Труд (технология)', 'Technology'],
  obzr: ['Основы безопасности и защиты Родины', 'Basics of safety and defence'],
  pe: ['Физическая культура', 'Physical education'],
};

export const SUBJECT_CODES = Object.keys(NAMES);

export function subjectName(lang: Lang, code: string): string {
  const n = NAMES[code];
  return n ? n[lang === 'ru' ? 0 : 1] : code;
}

/** Hours per week as people write them: 2, 2,5 (ru) / 2.5 (en). */
export function hoursText(lang: Lang, h: number): string {
  const s = Number.isInteger(h) ? String(h) : h.toFixed(1);
  return lang === 'ru' ? s.replace('.', ',') : s;
}
