import {
  ZClass,
  ZClassDetail,
  ZListClassesResponse,
  ZListMembersResponse,
  ZMember,
  ZRosterImportResult,
  type TAddStudentRequest,
  type TCreateClassRequest,
  type TGrantRoleRequest,
  type TMoveStudentRequest,
  type TRole,
  type TUpdateClassRequest,
} from '@parta/contracts';
import { api, uploadFile } from '../../platform/api';

/**
 * Query keys of one organization's school data. Everything starts with the organization's id,
 * so switching organization refetches, and `membership.changed` can invalidate one organization.
 */
export const organizationDataKey = (organizationId: string) => ['organization', organizationId] as const;
export const classesQueryKey = (organizationId: string) => [...organizationDataKey(organizationId), 'classes'] as const;
/** Under the classes key on purpose: invalidating the list refreshes every class page too. */
export const classQueryKey = (organizationId: string, classId: string) => [...classesQueryKey(organizationId), classId] as const;
export const membersQueryKey = (organizationId: string) => [...organizationDataKey(organizationId), 'members'] as const;

/** The filters of `GET members`, as the people page and the verification queue use them. */
export type MemberFilters = {
  role?: TRole | undefined;
  classId?: string | undefined;
  q?: string | undefined;
  pendingVerification?: boolean | undefined;
};

export const memberListQueryKey = (organizationId: string, filters: MemberFilters) => [...membersQueryKey(organizationId), filters] as const;

const organizationPath = (organizationId: string) => `/api/organizations/${encodeURIComponent(organizationId)}`;
const memberPath = (organizationId: string, userId: string) => `${organizationPath(organizationId)}/members/${encodeURIComponent(userId)}`;
const classPath = (organizationId: string, classId: string) => `${organizationPath(organizationId)}/classes/${encodeURIComponent(classId)}`;

export function fetchClasses(organizationId: string, signal?: AbortSignal) {
  return api.get(`${organizationPath(organizationId)}/classes`, ZListClassesResponse, { signal });
}

export function fetchClass(organizationId: string, classId: string, signal?: AbortSignal) {
  return api.get(classPath(organizationId, classId), ZClassDetail, { signal });
}

export function createClass(organizationId: string, body: TCreateClassRequest) {
  return api.post(`${organizationPath(organizationId)}/classes`, body, ZClass);
}

export function updateClass(organizationId: string, classId: string, body: TUpdateClassRequest) {
  return api.patch(classPath(organizationId, classId), body, ZClass);
}

export function setClassTeachers(organizationId: string, classId: string, userIds: string[]) {
  return api.put(`${classPath(organizationId, classId)}/class-teachers`, { userIds }, ZClass);
}

/** `?role=teacher&q=…`: only the filters that are set, in a stable order. */
export function membersSearch(filters: MemberFilters): string {
  const params = new URLSearchParams();
  if (filters.role) params.set('role', filters.role);
  if (filters.classId) params.set('classId', filters.classId);
  if (filters.q) params.set('q', filters.q);
  if (filters.pendingVerification) params.set('pendingVerification', 'true');
  const search = params.toString();
  return search === '' ? '' : `?${search}`;
}

export function fetchMembers(organizationId: string, filters: MemberFilters, signal?: AbortSignal) {
  return api.get(`${organizationPath(organizationId)}/members${membersSearch(filters)}`, ZListMembersResponse, { signal });
}

export function addStudent(organizationId: string, body: TAddStudentRequest) {
  return api.post(`${organizationPath(organizationId)}/students`, body, ZMember);
}

export function grantRole(organizationId: string, userId: string, role: TGrantRoleRequest['role']) {
  return api.post(`${memberPath(organizationId, userId)}/roles`, { role }, ZMember);
}

export function revokeRole(organizationId: string, userId: string, role: TRole) {
  return api.delete(`${memberPath(organizationId, userId)}/roles/${role}`, ZMember);
}

export function setTeacherVerified(organizationId: string, userId: string, verified: boolean) {
  const path = `${memberPath(organizationId, userId)}/verification`;
  return verified ? api.post(path, {}, ZMember) : api.delete(path, ZMember);
}

export function moveStudent(organizationId: string, userId: string, body: TMoveStudentRequest) {
  return api.post(`${memberPath(organizationId, userId)}/movement`, body, ZMember);
}

export function linkChild(organizationId: string, parentId: string, childId: string) {
  return api.post(`${memberPath(organizationId, parentId)}/children`, { childId }, ZMember);
}

export function unlinkChild(organizationId: string, parentId: string, childId: string) {
  return api.delete(`${memberPath(organizationId, parentId)}/children/${encodeURIComponent(childId)}`, ZMember);
}

/** The CSV's bytes as they are (`text/csv`); `preview` writes nothing, `apply` writes only a file without errors. */
export function importRoster(organizationId: string, file: Blob, mode: 'preview' | 'apply') {
  return uploadFile(`${organizationPath(organizationId)}/roster-imports?mode=${mode}`, file, ZRosterImportResult, { contentType: 'text/csv' });
}
