import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/index.ts';

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * The classes of the organization where the person is a student now. A read of the school
 * module's tables (its index.ts offers no such building block yet); the roster writes through
 * SchoolService only.
 */
export function studentClasses(db: Executor, organizationId: string, userId: string): Promise<{ id: string; name: string; academic_year: string }[]> {
  return db
    .selectFrom('class_members')
    .innerJoin('classes', 'classes.id', 'class_members.class_id')
    .select(['classes.id', 'classes.name', 'classes.academic_year'])
    .where('classes.organization_id', '=', organizationId)
    .where('classes.archived_at', 'is', null)
    .where('class_members.user_id', '=', userId)
    .where('class_members.role', '=', 'student')
    .where('class_members.left_at', 'is', null)
    .execute();
}
