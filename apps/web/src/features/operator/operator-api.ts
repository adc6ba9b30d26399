import {
  ZApplication,
  ZAuthoritiesResponse,
  ZListApplicationsResponse,
  type TApplication,
  type TApplicationStatus,
  type TApproveApplicationRequest,
  type TListApplicationsResponse,
  type TRejectApplicationRequest,
} from '@parta/contracts';
import type { QueryClient } from '@tanstack/react-query';
import { api, isApiError } from '../../platform/api';

export const allApplicationsQueryKey = ['operator', 'applications'] as const;
export const applicationsQueryKey = (status: TApplicationStatus) => [...allApplicationsQueryKey, status] as const;
export const authoritiesQueryKey = ['operator', 'authorities'] as const;

const applicationPath = (id: string) => `/api/operator/applications/${encodeURIComponent(id)}`;

export function fetchApplications(status: TApplicationStatus, signal?: AbortSignal) {
  return api.get(`/api/operator/applications?status=${status}`, ZListApplicationsResponse, { signal });
}

export function approveApplication(id: string, body: TApproveApplicationRequest) {
  return api.post(`${applicationPath(id)}/approve`, body, ZApplication);
}

export function rejectApplication(id: string, body: TRejectApplicationRequest) {
  return api.post(`${applicationPath(id)}/reject`, body, ZApplication);
}

export function fetchAuthorities(signal?: AbortSignal) {
  return api.get('/api/operator/authorities', ZAuthoritiesResponse, { signal });
}

/** The scan itself; the browser opens it with the operator's session cookie. */
export function orderScanUrl(id: string): string {
  return `${applicationPath(id)}/order`;
}

/** A decision moves an application out of «ожидают решения» at once; every list is then refetched. */
export function recordDecision(queryClient: QueryClient, decided: TApplication): void {
  queryClient.setQueryData<TListApplicationsResponse>(applicationsQueryKey('pending'), (list) =>
    list ? { applications: list.applications.filter((application) => application.id !== decided.id) } : list,
  );
  void queryClient.invalidateQueries({ queryKey: allApplicationsQueryKey });
}

/**
 * A decision refused with 409 means another operator decided first: refresh the lists so the
 * page shows the application where it now is. (Successful decisions go through recordDecision,
 * after the page has left the detail view.)
 */
export function refreshAfterConflict(queryClient: QueryClient, error: unknown): void {
  if (isApiError(error) && error.code === 'conflict') void queryClient.invalidateQueries({ queryKey: allApplicationsQueryKey });
}
