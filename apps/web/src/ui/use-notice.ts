import { useCallback, useEffect, useRef, useState } from 'react';

export type NoticeState = { text: string; tone: 'success' | 'error'; serial: number };

/**
 * A message after an action («Класс 5А создан»), which receives focus when it appears so that
 * keyboard and screen-reader users learn what happened (the button they pressed may be gone).
 * Render it with <Notice notice={…} />.
 */
export function useNotice() {
  const [state, setState] = useState<NoticeState | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (state) ref.current?.focus();
  }, [state]);
  const show = useCallback((text: string, tone: NoticeState['tone'] = 'success') => setState((previous) => ({ text, tone, serial: (previous?.serial ?? 0) + 1 })), []);
  const clear = useCallback(() => setState(null), []);
  return { state, ref, show, clear };
}

export type NoticeHandle = ReturnType<typeof useNotice>;
