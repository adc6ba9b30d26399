import { academicYearOf, type TRosterImportResult, type TRosterRow } from '@parta/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import { transaction, type DB, type Tx } from '../../platform/db/index.ts';
import { AppError, type Identity, type Locale } from '../../platform/http/index.ts';
import { requireAdministrator } from '../access/index.ts';
import type { PeopleService } from '../people/index.ts';
import type { SchoolService } from '../school/index.ts';
import { readRoster, rejectParentsOfRejectedChildren, type RosterEntry } from './roster.csv.ts';
import { studentClasses } from './roster.repository.ts';

type Action = 'create' | 'update' | 'unchanged';
type Outcome = { actions: Map<RosterEntry, Action>; classesCreated: string[] };

/** Ends the transaction of a preview (or of an apply that met an error) once every row went through. */
class RollBack extends Error {
  readonly outcome: Outcome;
  constructor(outcome: Outcome) {
    super('roster import rolled back');
    this.outcome = outcome;
  }
}

const isAccepted = (entry: RosterEntry) => entry.errors.length === 0;

/** Apply refuses a file with any bad row: 400, nothing written; the first rows' errors as fields. */
function rejectedFile(entries: readonly RosterEntry[]): AppError {
  const rejected = entries.filter((entry) => !isAccepted(entry));
  const fields = Object.fromEntries(
    rejected.slice(0, 20).map((entry) => [`line ${entry.line}`, { ru: entry.errors.map((error) => error.ru).join('; '), en: entry.errors.map((error) => error.en).join('; ') }]),
  );
  return new AppError(400, 'validation_failed', {
    fields,
    detail: {
      ru: `Ничего не записано: в файле ошибки (строк с ошибками: ${rejected.length}). Исправьте их — все они видны в предпросмотре — и загрузите файл снова.`,
      en: `Nothing was imported: ${rejected.length} rows have errors. Fix them (the preview lists them all) and upload the file again.`,
    },
  });
}

export type RosterService = ReturnType<typeof createRosterService>;

/**
 * Bulk import of a school's roster from CSV (docs/subsystems/roster-import.md). Both modes run
 * the same writes in one transaction through the school's and people's building blocks; a
 * preview then rolls back, so what it reports is exactly what applying would do now.
 */
export function createRosterService(deps: { db: Kysely<DB>; clock: Clock; school: SchoolService; people: PeopleService }) {
  const { db, clock, school, people } = deps;

  /** Writes the accepted rows and notes what each changed; a student already in another class is rejected here. */
  async function writeRows(tx: Tx, organizationId: string, adminId: string, entries: RosterEntry[]): Promise<Outcome> {
    const actions = new Map<RosterEntry, Action>();
    const classesCreated: string[] = [];
    const classIds = new Map<string, string>();
    const userIds = new Map<RosterEntry, string>();
    const academicYear = academicYearOf(clock.now());
    const note = (entry: RosterEntry, isNew: boolean, changes: boolean[]) => actions.set(entry, isNew ? 'create' : changes.some(Boolean) ? 'update' : 'unchanged');
    const rows = (...roles: RosterEntry['role'][]) => entries.filter((entry) => roles.includes(entry.role) && isAccepted(entry));
    const person = async (entry: RosterEntry) =>
      people.findOrCreatePerson(tx, { displayName: entry.displayName, email: entry.email, phone: entry.phone, guardianEmail: await guardianEmailOf(entry) });

    /**
     * A young student is known by a guardian's e-mail and their name: of their parents' e-mails,
     * the one their account already has (whatever the order of the rows), else the first.
     */
    async function guardianEmailOf(entry: RosterEntry): Promise<string | undefined> {
      const name = entry.displayName.toLocaleLowerCase('ru');
      for (const email of entry.guardianEmails) {
        const accounts = await people.signInAccounts(tx.db, 'email', email);
        if (accounts.some((account) => account.guardian_email === email && account.display_name.toLocaleLowerCase('ru') === name)) return email;
      }
      return entry.guardianEmails[0];
    }

    async function classOf(entry: RosterEntry): Promise<string> {
      const key = entry.className.toLocaleLowerCase('ru');
      if (!classIds.has(key)) {
        const { row, created } = await school.ensureClass(tx, organizationId, { name: entry.className, grade: entry.grade!, academicYear });
        if (created) classesCreated.push(row.name);
        classIds.set(key, row.id);
      }
      return classIds.get(key)!;
    }

    for (const entry of rows('student')) {
      const classId = await classOf(entry);
      const { user, isNew } = await person(entry);
      const elsewhere = isNew ? undefined : (await studentClasses(tx.db, organizationId, user.id)).find((place) => place.id !== classId);
      if (elsewhere) {
        const where = `${elsewhere.name} (${elsewhere.academic_year})`;
        entry.errors.push({ ru: `ученик уже учится в классе ${where}: чтобы сменить класс, оформите перевод`, en: `the student is already in class ${where}: use a transfer to change the class` });
        continue;
      }
      userIds.set(entry, user.id);
      note(entry, isNew, [await school.grantRole(tx, organizationId, user.id, 'student'), await school.placeInClass(tx, organizationId, classId, user.id, 'student')]);
    }
    rejectParentsOfRejectedChildren(entries);

    for (const entry of rows('teacher', 'class_teacher')) {
      const { user, isNew } = await person(entry);
      const changes = [await school.grantRole(tx, organizationId, user.id, 'teacher')];
      if (entry.className) changes.push(await school.placeInClass(tx, organizationId, await classOf(entry), user.id, entry.role === 'class_teacher' ? 'class_teacher' : 'teacher'));
      note(entry, isNew, changes);
    }

    for (const entry of rows('parent')) {
      const { user, isNew } = await person(entry);
      const changes = [await school.grantRole(tx, organizationId, user.id, 'parent')];
      for (const child of entry.children) changes.push(await school.linkFamily(tx, organizationId, user.id, userIds.get(child)!, adminId));
      note(entry, isNew, changes);
    }
    return { actions, classesCreated };
  }

  async function importRoster(identity: Identity | null, organizationId: string, mode: 'preview' | 'apply', bytes: Buffer, locale: Locale): Promise<TRosterImportResult> {
    const admin = await requireAdministrator(db, identity, organizationId);
    const entries = readRoster(bytes);
    if (mode === 'apply' && !entries.every(isAccepted)) throw rejectedFile(entries);

    let outcome: Outcome;
    try {
      outcome = await transaction(db, async (tx) => {
        const written = await writeRows(tx, organizationId, admin.identity.userId, entries);
        if (mode === 'preview' || !entries.every(isAccepted)) throw new RollBack(written);
        return written;
      });
    } catch (error) {
      if (!(error instanceof RollBack)) throw error;
      outcome = error.outcome;
    }
    if (mode === 'apply' && !entries.every(isAccepted)) throw rejectedFile(entries);

    const rows: TRosterRow[] = entries.map((entry) => ({
      line: entry.line,
      className: entry.className,
      role: entry.role,
      displayName: entry.displayName,
      action: isAccepted(entry) ? (outcome.actions.get(entry) ?? 'unchanged') : 'error',
      errors: entry.errors.map((error) => error[locale]),
    }));
    const count = (action: TRosterRow['action']) => rows.filter((row) => row.action === action).length;
    return {
      mode,
      applied: mode === 'apply',
      rows,
      summary: { classesToCreate: outcome.classesCreated, create: count('create'), update: count('update'), unchanged: count('unchanged'), errors: count('error') },
    };
  }

  return { importRoster };
}
