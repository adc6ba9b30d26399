// @vitest-environment jsdom
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMarkup, plainText, safeHttpUrl } from './message-markup';
import { MessageText } from './MessageText';

afterEach(cleanup);

function renderText(text: string) {
  return render(<MessageText text={text} />).container;
}

describe('message markup is rendered safely, as React elements', () => {
  it.each([
    ['<img src=x onerror=alert(1)>'],
    ['<script>alert(1)</script>'],
    ['<a href="javascript:alert(1)">x</a>'],
    ['<svg onload=alert(1)></svg>'],
  ])('shows %s as text, creating no element from it', (fixture) => {
    const container = renderText(fixture);
    expect(container.textContent).toBe(fixture);
    expect(container.querySelector('img, script, svg, iframe, a')).toBeNull();
    expect(container.innerHTML).not.toContain('<img');
    expect(container.innerHTML).not.toContain('<script');
  });

  it.each([['[x](javascript:alert(1))'], ['javascript:alert(1)'], ['JaVaScRiPt:alert(1)'], ['data:text/html,<script>alert(1)</script>'], ['vbscript:msgbox(1)']])('never makes a link of %s', (fixture) => {
    const container = renderText(fixture);
    expect(container.textContent).toBe(fixture);
    expect(container.querySelector('a')).toBeNull();
  });

  it('renders **bold**, _italic_, `code` and http(s) links, opening in a new tab without the opener', () => {
    const container = renderText('**Важно:** _завтра_ `8:30`, план на https://school.ru/plan?a=1&b=2.');
    expect(container.querySelector('strong')?.textContent).toBe('Важно:');
    expect(container.querySelector('em')?.textContent).toBe('завтра');
    expect(container.querySelector('code')?.textContent).toBe('8:30');
    const link = container.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('https://school.ru/plan?a=1&b=2');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(container.textContent).toBe('Важно: завтра 8:30, план на https://school.ru/plan?a=1&b=2.');
  });

  it('keeps markup inside code literal, and markup inside bold as text', () => {
    const container = renderText('`**не жирный** <b>` и **<b>тег</b>**');
    expect(container.querySelector('code')?.textContent).toBe('**не жирный** <b>');
    expect(container.querySelector('strong')?.textContent).toBe('<b>тег</b>');
    expect(container.querySelector('b')).toBeNull();
  });

  it('does not italicise inside snake_case words, and ends a link before quotes and unmatched brackets', () => {
    expect(renderText('file_name_here').querySelector('em')).toBeNull();
    const container = renderText('(см. https://school.ru/a_(b)) и https://evil.example/"onmouseover="alert(1)');
    const links = [...container.querySelectorAll('a')].map((link) => link.getAttribute('href'));
    expect(links).toEqual(['https://school.ru/a_(b)', 'https://evil.example/']);
    expect(container.querySelector('a[onmouseover]')).toBeNull();
  });

  it('keeps line breaks in the text (CSS shows them)', () => {
    expect(parseMarkup('раз\nдва')).toEqual([{ type: 'text', text: 'раз\nдва' }]);
    expect(plainText('**раз** _два_ `три`')).toBe('раз два три');
  });

  it('accepts only http and https addresses as links', () => {
    expect(safeHttpUrl('https://school.ru')).toBe('https://school.ru/');
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('ftp://school.ru')).toBeNull();
    expect(safeHttpUrl('http://')).toBeNull();
  });
});
