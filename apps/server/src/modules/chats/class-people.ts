import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/index.ts';

type Executor = Kysely<DB> | Transaction<DB>;

// Who belongs to a class, as chats see it: its students and teachers from the roster, and its
// parents — placed in the class as parents, or linked to one of its students — who are still
// parent members of the organization.

export type ClassPerson = { classId: string; userId: string; place: 'student' | 'teacher' | 'class_teacher' | 'parent' };

/** The current students, teachers, class teachers and parents of these classes. */
export async function peopleOfClasses(db: Executor, classIds: readonly string[]): Promise<ClassPerson[]> {
  if (classIds.length === 0) return [];
  const ids = sql.join(classIds.map((id) => sql`${id}::uuid`));
  const { rows } = await sql<{ class_id: string; user_id: string; place: ClassPerson['place'] }>`
    SELECT cm.class_id, cm.user_id, cm.role AS place
      FROM class_members cm
      JOIN classes c ON c.id = cm.class_id
      JOIN memberships m ON m.user_id = cm.user_id AND m.organization_id = c.organization_id AND m.ended_at IS NULL
       -- a director placed in a class by a class link teaches there
       AND (m.role = cm.role OR (cm.role IN ('teacher', 'class_teacher') AND m.role IN ('teacher', 'director')))
     WHERE cm.class_id IN (${ids}) AND cm.left_at IS NULL AND cm.role IN ('student', 'teacher', 'class_teacher', 'parent')
    UNION
    SELECT cm.class_id, f.parent_id AS user_id, 'parent' AS place
      FROM class_members cm
      JOIN classes c ON c.id = cm.class_id
      JOIN family_links f ON f.child_id = cm.user_id AND f.ended_at IS NULL
      JOIN memberships m ON m.user_id = f.parent_id AND m.organization_id = c.organization_id AND m.role = 'parent' AND m.ended_at IS NULL
     WHERE cm.class_id IN (${ids}) AND cm.left_at IS NULL AND cm.role = 'student'`.execute(db);
  return rows.map((row) => ({ classId: row.class_id, userId: row.user_id, place: row.place }));
}

/** The classes (not the staff room) where the person is a student, and where they are a parent (placed, or through a child). */
export async function classesOf(db: Executor, organizationId: string, userId: string): Promise<{ asStudent: string[]; asParent: string[] }> {
  const { rows } = await sql<{ class_id: string; place: 'student' | 'parent' }>`
    SELECT cm.class_id, cm.role AS place
      FROM class_members cm JOIN classes c ON c.id = cm.class_id
     WHERE cm.user_id = ${userId} AND cm.left_at IS NULL AND cm.role IN ('student', 'parent') AND c.organization_id = ${organizationId}
    UNION
    SELECT cm.class_id, 'parent' AS place
      FROM family_links f
      JOIN class_members cm ON cm.user_id = f.child_id AND cm.left_at IS NULL AND cm.role = 'student'
      JOIN classes c ON c.id = cm.class_id
     WHERE f.parent_id = ${userId} AND f.ended_at IS NULL AND c.organization_id = ${organizationId}`.execute(db);
  return {
    asStudent: rows.filter((row) => row.place === 'student').map((row) => row.class_id),
    asParent: rows.filter((row) => row.place === 'parent').map((row) => row.class_id),
  };
}
