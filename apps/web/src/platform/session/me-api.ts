import { ZMe, type TMe, type TUpdateMeRequest } from '@parta/contracts';
import { api, isApiError } from '../api';

export const meQueryKey = ['me'] as const;

/** The signed-in person, or null when nobody is signed in (401 is an answer here, not an error). */
export async function fetchMe(signal?: AbortSignal): Promise<TMe | null> {
  try {
    return await api.get('/api/me', ZMe, { signal });
  } catch (error) {
    if (isApiError(error) && error.code === 'unauthenticated') return null;
    throw error;
  }
}

export function updateMe(body: TUpdateMeRequest): Promise<TMe> {
  return api.patch('/api/me', body, ZMe);
}
