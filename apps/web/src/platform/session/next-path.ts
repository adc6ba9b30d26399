/**
 * Where to go after sign-in. Only paths on this site are accepted: `?next=https://evil.example`
 * or `//evil.example` must not turn the sign-in page into an open redirect.
 */
export function safeNextPath(candidate: string | null | undefined, fallback = '/'): string {
  if (!candidate) return fallback;
  if (!candidate.startsWith('/') || candidate.startsWith('//') || candidate.startsWith('/\\')) return fallback;
  // Control characters and backslashes have no business in our paths and confuse some URL parsers.
  if (/[\p{Cc}\\]/u.test(candidate)) return fallback;
  if (candidate === '/sign-in' || candidate.startsWith('/sign-in?') || candidate.startsWith('/welcome')) return fallback;
  return candidate;
}

export function signInPathFor(location: { pathname: string; search: string; hash: string }): string {
  const next = `${location.pathname}${location.search}${location.hash}`;
  return next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`;
}
