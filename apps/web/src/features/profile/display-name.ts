/** Mirrors ZUpdateMeRequest.displayName (trimmed, 1–100 characters) to answer before the server does. */
export const maxDisplayNameLength = 100;

export type DisplayNameProblem = 'required' | 'tooLong';

export function checkDisplayName(value: string): DisplayNameProblem | null {
  const trimmed = value.trim();
  if (trimmed === '') return 'required';
  if (trimmed.length > maxDisplayNameLength) return 'tooLong';
  return null;
}
