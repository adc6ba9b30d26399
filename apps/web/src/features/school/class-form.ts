import { ZAcademicYear, ZGrade, type TCreateClassRequest } from '@parta/contracts';

export type ClassDraft = { name: string; grade: string; academicYear: string };
export type ClassDraftProblems = Partial<Record<keyof ClassDraft, true>>;

/** Mirrors ZCreateClassRequest: the request, or which fields are wrong. */
export function checkClassDraft(draft: ClassDraft): { request: TCreateClassRequest } | { problems: ClassDraftProblems } {
  const problems: ClassDraftProblems = {};
  const name = draft.name.trim();
  if (name.length < 1 || name.length > 40) problems.name = true;
  const grade = ZGrade.safeParse(draft.grade.trim() === '' ? Number.NaN : Number(draft.grade));
  if (!grade.success) problems.grade = true;
  const academicYear = ZAcademicYear.safeParse(draft.academicYear);
  if (!academicYear.success) problems.academicYear = true;
  if (!grade.success || !academicYear.success || Object.keys(problems).length > 0) return { problems };
  return { request: { name, grade: grade.data, academicYear: academicYear.data } };
}
