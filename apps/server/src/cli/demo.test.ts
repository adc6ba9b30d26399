import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeDestination } from '../modules/auth/index.ts';
import { latestCode, signIn, startTestApp, type TestApp } from '../test/harness.ts';
import { demoDomain, demoEmail, formatDemoSummary, seedDemo, type DemoResult } from './demo.ts';

let t: TestApp;
let result: DemoResult;
const operatorEmail = 'operator@parta.test';

beforeAll(async () => {
  t = await startTestApp();
  result = await seedDemo(t.database, { operatorEmail, filesDir: t.config.filesDir, clock: t.clock });
});
afterAll(async () => {
  await t.close();
});

const created = () => {
  if (result.status !== 'created') throw new Error(`the demo was refused: ${JSON.stringify(result)}`);
  return result;
};
const organizations = () => t.database.db.selectFrom('organizations').selectAll().orderBy('created_at').orderBy('kind').execute();
const schoolsByName = async () => new Map((await organizations()).filter((o) => o.kind === 'school').map((o) => [o.short_name, o]));
const userByEmail = (email: string) => t.database.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
const activeRoles = async (organizationId: string, userId: string) =>
  (await t.database.db.selectFrom('memberships').select('role').where('organization_id', '=', organizationId).where('user_id', '=', userId).where('ended_at', 'is', null).execute()).map((r) => r.role);
const counts = async () =>
  (
    await sql<{ users: number; organizations: number; memberships: number; classes: number; links: number }>`
      SELECT (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM organizations) AS organizations,
             (SELECT count(*)::int FROM memberships) AS memberships, (SELECT count(*)::int FROM classes) AS classes,
             (SELECT count(*)::int FROM family_links) AS links`.execute(t.database.db)
  ).rows[0]!;

describe('npm run demo', () => {
  it('creates the operator first, as the first npm start does', async () => {
    expect(created().operatorCreated).toBe(true);
    const operator = await userByEmail(operatorEmail);
    expect(operator.is_operator).toBe(true);
    const [first] = await t.database.db.selectFrom('users').select('id').orderBy('created_at').limit(1).execute();
    expect(first!.id).toBe(operator.id);
    expect(created().accounts[0]).toMatchObject({ email: operatorEmail, role: expect.stringContaining('operator') });
  });

  it('creates the tree region → municipality → two schools', async () => {
    const rows = await organizations();
    expect(rows).toHaveLength(4);
    const region = rows.find((o) => o.kind === 'region')!;
    const municipality = rows.find((o) => o.kind === 'municipality')!;
    expect(region).toMatchObject({ name: 'Министерство образования Тверской области', parent_id: null });
    expect(municipality).toMatchObject({ name: 'Управление образования г. Твери', parent_id: region.id });
    const schools = await schoolsByName();
    expect([...schools.keys()].sort()).toEqual(['Гимназия № 12', 'Школа № 5']);
    for (const school of schools.values()) expect(school.parent_id).toBe(municipality.id);
    for (const authority of [region, municipality]) {
      const admins = await t.database.db.selectFrom('memberships').select('user_id').where('organization_id', '=', authority.id).where('role', '=', 'administrator').execute();
      expect(admins).toHaveLength(1);
    }
  });

  it('gives each school its staff room with all staff, classes with students and one confirmed class teacher each', async () => {
    for (const school of (await schoolsByName()).values()) {
      const classes = await t.database.db.selectFrom('classes').selectAll().where('organization_id', '=', school.id).execute();
      const staffRoom = classes.filter((c) => c.kind === 'staff_room');
      expect(staffRoom.map((c) => c.name)).toEqual(['Учительская']);
      const staff = await t.database.db.selectFrom('memberships').select(['user_id', 'role', 'verified_at']).where('organization_id', '=', school.id).where('role', 'in', ['administrator', 'director', 'teacher']).execute();
      expect(staff.filter((m) => m.role === 'administrator')).toHaveLength(1);
      expect(staff.filter((m) => m.role === 'director')).toHaveLength(1);
      const teachers = staff.filter((m) => m.role === 'teacher');
      expect(teachers.length).toBeGreaterThanOrEqual(3);
      expect(teachers.filter((m) => m.verified_at === null)).toHaveLength(1); // one waits for confirmation
      const inStaffRoom = await t.database.db.selectFrom('class_members').select('user_id').where('class_id', '=', staffRoom[0]!.id).where('role', '=', 'staff').execute();
      expect(new Set(inStaffRoom.map((m) => m.user_id))).toEqual(new Set(staff.map((m) => m.user_id)));

      const regular = classes.filter((c) => c.kind === 'class');
      expect(regular.length).toBeGreaterThanOrEqual(3);
      for (const c of regular) {
        expect(c.grade).toBeGreaterThanOrEqual(1);
        expect(c.name.startsWith(String(c.grade))).toBe(true);
        const members = await t.database.db.selectFrom('class_members').select(['user_id', 'role']).where('class_id', '=', c.id).where('left_at', 'is', null).execute();
        expect(members.filter((m) => m.role === 'student').length).toBeGreaterThanOrEqual(5);
        const classTeachers = members.filter((m) => m.role === 'class_teacher');
        expect(classTeachers).toHaveLength(1);
        const teacher = teachers.find((m) => m.user_id === classTeachers[0]!.user_id);
        expect(teacher?.verified_at).not.toBeNull();
      }
    }
  });

  it('links every student to a parent who is a parent member of that school; one parent has children in both schools', async () => {
    const schools = [...(await schoolsByName()).values()];
    for (const school of schools) {
      const students = await t.database.db.selectFrom('memberships').select('user_id').where('organization_id', '=', school.id).where('role', '=', 'student').execute();
      expect(students.length).toBeGreaterThanOrEqual(15);
      for (const { user_id: childId } of students) {
        const links = await t.database.db.selectFrom('family_links').select('parent_id').where('child_id', '=', childId).where('ended_at', 'is', null).execute();
        expect(links.length).toBeGreaterThanOrEqual(1);
        for (const link of links) expect(await activeRoles(school.id, link.parent_id)).toContain('parent');
      }
    }
    const both = await userByEmail(demoEmail('Иванова Мария Александровна'));
    for (const school of schools) expect(await activeRoles(school.id, both.id)).toEqual(['parent']);
    const children = await t.database.db.selectFrom('family_links').select('child_id').where('parent_id', '=', both.id).execute();
    expect(children).toHaveLength(2);
    expect(created().accounts.find((a) => a.email === both.email)?.role).toContain('both schools');
  });

  it('gives the first-graders no contact of their own: their codes go to the parent’s e-mail', async () => {
    const parentEmail = demoEmail('Петров Сергей Андреевич');
    const young = await t.database.db.selectFrom('users').selectAll().where('display_name', '=', 'Петров Миша').executeTakeFirstOrThrow();
    expect(young).toMatchObject({ email: null, phone: null, guardian_email: parentEmail });
    const parent = await userByEmail(parentEmail);
    const link = await t.database.db.selectFrom('family_links').select('id').where('parent_id', '=', parent.id).where('child_id', '=', young.id).executeTakeFirst();
    expect(link).toBeDefined();
    expect(created().accounts.find((a) => a.name === 'Петров Миша')).toMatchObject({ email: parentEmail });
  });

  it('uses only valid addresses under the reserved domain, each a real account (or a young student’s guardian e-mail)', async () => {
    const users = await t.database.db.selectFrom('users').select(['email', 'guardian_email']).execute();
    const emails = users.flatMap((u) => [u.email, u.guardian_email]).filter((e): e is string => e !== null);
    for (const email of emails) {
      expect(normalizeDestination(email), email).toEqual({ channel: 'email', value: email });
      if (email !== operatorEmail) expect(email.endsWith(`@${demoDomain}`), email).toBe(true);
    }
    for (const account of created().accounts) expect(emails, account.email).toContain(account.email);
  });

  it('lets the printed people sign in and see their school as the app shows it', async () => {
    const schools = await schoolsByName();
    const school5 = schools.get('Школа № 5')!;
    const admin = await signIn(t, demoEmail('Кузнецова Ольга Петровна'));
    const listed = await t.app.inject({ method: 'GET', url: `/api/organizations/${school5.id}/classes`, headers: { cookie: admin.cookie } });
    expect(listed.statusCode, listed.body).toBe(200);
    const classes: { kind: string; name: string; classTeachers: { verifiedTeacher: boolean }[]; studentCount: number }[] = listed.json().classes;
    expect(classes.map((c) => c.name)).toEqual(['Учительская', '1А', '5А', '9А']);
    for (const c of classes.filter((c) => c.kind === 'class')) {
      expect(c.classTeachers).toEqual([expect.objectContaining({ verifiedTeacher: true })]);
      expect(c.studentCount).toBe(5);
    }

    // The parent's e-mail opens the parent's own account and the first-grader's.
    const destination = demoEmail('Петров Сергей Андреевич');
    const sent = await t.app.inject({ method: 'POST', url: '/api/auth/code', payload: { destination } });
    expect(sent.statusCode, sent.body).toBe(200);
    const code = latestCode(t, destination);
    const choose = await t.app.inject({ method: 'POST', url: '/api/auth/verify', payload: { destination, code } });
    expect(choose.json()).toMatchObject({ status: 'choose_account' });
    const accounts: { id: string; displayName: string; isYoungStudent: boolean }[] = choose.json().accounts;
    const child = accounts.find((a) => a.isYoungStudent)!;
    expect(child.displayName).toBe('Петров Миша');
    const verified = await t.app.inject({ method: 'POST', url: '/api/auth/verify', payload: { destination, code, accountId: child.id } });
    expect(verified.json()).toMatchObject({ status: 'signed_in', me: { displayName: 'Петров Миша', email: null } });
    const cookie = verified.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const mine = await t.app.inject({ method: 'GET', url: '/api/organizations', headers: { cookie } });
    expect(mine.json().organizations).toEqual([expect.objectContaining({ shortName: 'Школа № 5', myRoles: ['student'] })]);
  });

  it('prints whom to sign in as and where the codes are', () => {
    const text = formatDemoSummary(created(), { publicUrl: 'http://localhost:3000', startCommand: 'npm start', hasOutbox: true });
    for (const role of ['operator', 'administrator', 'director', 'class teacher', 'not yet confirmed', 'student', 'parent', 'both schools', 'no own e-mail']) expect(text).toContain(role);
    expect(text).toContain('http://localhost:3000/dev/outbox');
    expect(text).toContain('Start: npm start, then open http://localhost:3000');
  });

  it('starts conversations: each school’s class and parents’ chats with messages, and a post to confirm in the school channel', async () => {
    for (const school of (await schoolsByName()).values()) {
      const chats = await t.database.db.selectFrom('chats').select(['id', 'kind', 'system_channel', 'last_seq']).where('organization_id', '=', school.id).execute();
      expect(chats.map((c) => c.system_channel).filter(Boolean).sort()).toEqual(['school', 'staff']);
      for (const kind of ['class', 'parents'] as const) {
        const chat = chats.find((c) => c.kind === kind);
        expect(Number(chat?.last_seq), `${school.short_name}: ${kind}`).toBeGreaterThanOrEqual(1);
        const members = await t.database.db.selectFrom('chat_members').select('user_id').where('chat_id', '=', chat!.id).where('left_at', 'is', null).execute();
        expect(members.length).toBeGreaterThan(2);
      }
      const channel = chats.find((c) => c.system_channel === 'school')!;
      const post = await t.database.db.selectFrom('messages').select('requires_ack').where('chat_id', '=', channel.id).executeTakeFirstOrThrow();
      expect(post.requires_ack).toBe(true);
    }
  });

  it('refuses a second run and changes nothing', async () => {
    const before = await counts();
    expect(await seedDemo(t.database, { operatorEmail, filesDir: t.config.filesDir, clock: t.clock })).toEqual({ status: 'refused', organizations: 4 });
    expect(await counts()).toEqual(before);
  });
});
