/** The «Как вас зовут?» step, remembering where to go afterwards. */
export function welcomePathFor(next: string): string {
  return next === '/' ? '/welcome' : `/welcome?next=${encodeURIComponent(next)}`;
}
