import { describe, expect, it } from 'vitest';
import { safeNextPath, signInPathFor } from './next-path';

describe('safeNextPath', () => {
  it('keeps paths on this site', () => {
    expect(safeNextPath('/profile')).toBe('/profile');
    expect(safeNextPath('/chats?filter=unread#top')).toBe('/chats?filter=unread#top');
  });

  it('refuses anything that could leave the site or loop back to sign-in', () => {
    for (const candidate of ['https://evil.example', '//evil.example', '/\\evil.example', 'profile', '/a\nb', '/sign-in', '/sign-in?next=/x', '/welcome']) {
      expect(safeNextPath(candidate), candidate).toBe('/');
    }
    expect(safeNextPath(null)).toBe('/');
    expect(safeNextPath('', '/home')).toBe('/home');
  });
});

describe('signInPathFor', () => {
  it('remembers the page the person asked for', () => {
    expect(signInPathFor({ pathname: '/profile', search: '?tab=1', hash: '' })).toBe('/sign-in?next=%2Fprofile%3Ftab%3D1');
    expect(signInPathFor({ pathname: '/', search: '', hash: '' })).toBe('/sign-in');
  });
});
