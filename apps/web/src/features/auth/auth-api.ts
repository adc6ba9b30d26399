import { ZRequestCodeResponse, ZSignOutResponse, ZVerifyCodeResponse, type TRequestCodeRequest, type TVerifyCodeRequest, type TVerifyCodeResponse } from '@parta/contracts';
import { api } from '../../platform/api';

export function requestCode(body: TRequestCodeRequest) {
  return api.post('/api/auth/code', body, ZRequestCodeResponse);
}

/** The answer when the code signed the person in. */
export type TSignedIn = Extract<TVerifyCodeResponse, { status: 'signed_in' }>;
/** The accounts one code opens (a parent's e-mail also signs in their young children). */
export type TAccountChoice = Extract<TVerifyCodeResponse, { status: 'choose_account' }>['accounts'][number];

/** Checks the code; with `accountId` when the person chose one of the accounts it opens. */
export function verifyCode(body: TVerifyCodeRequest) {
  return api.post('/api/auth/verify', body, ZVerifyCodeResponse);
}

export function signOut() {
  return api.post('/api/auth/sign-out', {}, ZSignOutResponse);
}

export function signOutEverywhere() {
  return api.post('/api/auth/sign-out-everywhere', {}, ZSignOutResponse);
}

/** The dev outbox exists only in development builds of the server (404 in production). */
export async function isDevOutboxAvailable(): Promise<boolean> {
  try {
    const response = await fetch('/api/dev/outbox', { credentials: 'same-origin', headers: { accept: 'application/json' } });
    return response.ok;
  } catch {
    return false;
  }
}
