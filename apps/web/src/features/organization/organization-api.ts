import { ZMyOrganizationsResponse } from '@parta/contracts';
import { api } from '../../platform/api';

/** Invalidate this key when the person's memberships may have changed (joined by invitation, left). */
export const myOrganizationsQueryKey = ['organizations', 'mine'] as const;

export function fetchMyOrganizations(signal?: AbortSignal) {
  return api.get('/api/organizations', ZMyOrganizationsResponse, { signal });
}
