import { ZRole } from '@parta/contracts';
import type { MemberFilters } from './school-api';

/**
 * The people page keeps its filters in the address, with the API's names (?role=teacher&q=Ива&
 * pendingVerification=true; written by membersSearch): shareable, and Back works.
 */
export function filtersFromSearch(search: URLSearchParams): MemberFilters {
  const role = ZRole.safeParse(search.get('role'));
  const filters: MemberFilters = {};
  if (role.success) filters.role = role.data;
  const classId = search.get('classId');
  if (classId) filters.classId = classId;
  const q = search.get('q')?.trim();
  if (q) filters.q = q;
  if (search.get('pendingVerification') === 'true') filters.pendingVerification = true;
  return filters;
}
