import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';
import { stubWebSocket } from './fake-websocket';

/**
 * The usual frame of a test that renders the whole app: a fake WebSocket and empty storage
 * before each test; unmounting and the real globals back after it. Call at the top of the file.
 */
export function setUpAppTests(): void {
  beforeEach(() => {
    stubWebSocket();
    window.localStorage.clear();
    window.sessionStorage.clear();
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });
}
