import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { academicYearOf, type TOrganizationKind } from '@parta/contracts';
import { randomUUID } from 'node:crypto';
import { createChatsService, createMessagesService } from '../modules/chats/index.ts';
import { createPeopleService } from '../modules/people/index.ts';
import { createUploadsService } from '../modules/uploads/index.ts';
import { createConfiguredFileStore } from '../platform/files/index.ts';
import { createSchoolService } from '../modules/school/index.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { ConfigError, loadConfig, type Config } from '../platform/config/index.ts';
import { migrate, openConfiguredDatabase, transaction, type Database } from '../platform/db/index.ts';
import type { Identity } from '../platform/http/index.ts';
import { createEventLog, createInProcessBus } from '../platform/realtime/index.ts';

/**
 * `npm run demo`: fills an empty database with a region, a municipality and two schools with
 * classes, staff, students and their parents, then prints whom to sign in as.
 *
 * People, roles, classes and families go through the real services (people, school), so demo data
 * obeys the same rules as the app: staff join «Учительская», parents become parent members of
 * their children's schools, young students sign in through a parent's e-mail, teachers are
 * confirmed by their school's administrator. The organizations themselves are inserted here with
 * Kysely: the organizations module creates them only by approving a registration application.
 */

/** Every demo e-mail is under this reserved (.test) domain: no real mailbox can receive it. */
export const demoDomain = 'demo.parta.test';

type DemoTeacher = { name: string; verified: boolean; classTeacherOf?: string; teaches: string[] };
/** A student with one parent; a young student has no e-mail and signs in with the parent's. */
type DemoStudent = { name: string; parent: string; young?: boolean };
type DemoClass = { name: string; grade: number; students: DemoStudent[] };
type DemoSchool = { name: string; shortName: string; inn: string; address: string; administrator: string; director: string; teachers: DemoTeacher[]; classes: DemoClass[] };

// Names are «Фамилия Имя Отчество» (adults) and «Фамилия Имя» (students); the e-mail is made from
// the first two words. The same name twice is the same person (a parent with children in both schools).
const region = {
  kind: 'region' as const,
  name: 'Министерство образования Тверской области',
  shortName: 'Минобразования Тверской области',
  inn: '6900000001',
  address: '170100, г. Тверь, ул. Демонстрационная, д. 1',
  administrator: 'Антонова Ирина Владимировна',
};

const municipality = {
  kind: 'municipality' as const,
  name: 'Управление образования г. Твери',
  shortName: 'Управление образования г. Твери',
  inn: '6900000002',
  address: '170100, г. Тверь, ул. Демонстрационная, д. 2',
  administrator: 'Громов Андрей Сергеевич',
};

const schools: DemoSchool[] = [
  {
    name: 'Муниципальное общеобразовательное учреждение «Средняя общеобразовательная школа № 5» г. Твери',
    shortName: 'Школа № 5',
    inn: '6900000005',
    address: '170005, г. Тверь, ул. Школьная, д. 5',
    administrator: 'Кузнецова Ольга Петровна',
    director: 'Морозов Виктор Николаевич',
    teachers: [
      { name: 'Лебедева Наталья Сергеевна', verified: true, classTeacherOf: '1А', teaches: [] },
      { name: 'Егорова Анна Игоревна', verified: true, classTeacherOf: '5А', teaches: ['9А'] },
      { name: 'Волков Дмитрий Алексеевич', verified: true, classTeacherOf: '9А', teaches: ['5А'] },
      { name: 'Захарова Елена Викторовна', verified: false, teaches: ['5А', '9А'] },
    ],
    classes: [
      {
        name: '1А',
        grade: 1,
        students: [
          { name: 'Петров Миша', parent: 'Петров Сергей Андреевич', young: true },
          { name: 'Смирнова Алиса', parent: 'Смирнова Юлия Викторовна', young: true },
          { name: 'Козлов Тимофей', parent: 'Козлова Екатерина Андреевна', young: true },
          { name: 'Новикова Варвара', parent: 'Новиков Алексей Игоревич', young: true },
          { name: 'Фёдоров Лев', parent: 'Фёдорова Ирина Олеговна', young: true },
        ],
      },
      {
        name: '5А',
        grade: 5,
        students: [
          { name: 'Соколов Максим', parent: 'Соколова Татьяна Николаевна' },
          { name: 'Попова Анастасия', parent: 'Попов Денис Владимирович' },
          { name: 'Васильев Кирилл', parent: 'Васильева Оксана Юрьевна' },
          { name: 'Михайлова Полина', parent: 'Михайлова Елена Сергеевна' },
          { name: 'Николаев Егор', parent: 'Николаева Мария Павловна' },
        ],
      },
      {
        name: '9А',
        grade: 9,
        students: [
          { name: 'Иванов Артём', parent: 'Иванова Мария Александровна' },
          { name: 'Зайцева Дарья', parent: 'Зайцев Роман Евгеньевич' },
          { name: 'Павлов Никита', parent: 'Павлова Светлана Игоревна' },
          { name: 'Семёнова Ксения', parent: 'Семёнова Анна Викторовна' },
          { name: 'Голубев Матвей', parent: 'Голубева Наталья Андреевна' },
        ],
      },
    ],
  },
  {
    name: 'Муниципальное общеобразовательное учреждение «Гимназия № 12» г. Твери',
    shortName: 'Гимназия № 12',
    inn: '6900000012',
    address: '170012, г. Тверь, пр-т Гимназический, д. 12',
    administrator: 'Орлова Светлана Михайловна',
    director: 'Белов Игорь Константинович',
    teachers: [
      { name: 'Виноградова Татьяна Юрьевна', verified: true, classTeacherOf: '5А', teaches: [] },
      { name: 'Богданов Павел Сергеевич', verified: true, classTeacherOf: '7Б', teaches: ['11А'] },
      { name: 'Комарова Людмила Ивановна', verified: true, classTeacherOf: '11А', teaches: ['5А'] },
      { name: 'Тихонов Андрей Викторович', verified: false, teaches: ['7Б'] },
    ],
    classes: [
      {
        name: '5А',
        grade: 5,
        students: [
          { name: 'Иванова Софья', parent: 'Иванова Мария Александровна' },
          { name: 'Киселёв Глеб', parent: 'Киселёва Ольга Викторовна' },
          { name: 'Макарова Ева', parent: 'Макаров Илья Сергеевич' },
          { name: 'Андреев Марк', parent: 'Андреева Юлия Александровна' },
          { name: 'Ершова Вероника', parent: 'Ершова Наталья Олеговна' },
        ],
      },
      {
        name: '7Б',
        grade: 7,
        students: [
          { name: 'Медведев Иван', parent: 'Медведева Анна Сергеевна' },
          { name: 'Крылова Алина', parent: 'Крылов Константин Петрович' },
          { name: 'Никитин Даниил', parent: 'Никитина Елена Анатольевна' },
          { name: 'Сорокина Милана', parent: 'Сорокина Татьяна Викторовна' },
          { name: 'Романов Ярослав', parent: 'Романова Ирина Дмитриевна' },
        ],
      },
      {
        name: '11А',
        grade: 11,
        students: [
          { name: 'Жуков Александр', parent: 'Жукова Марина Владимировна' },
          { name: 'Фролова Виктория', parent: 'Фролов Олег Николаевич' },
          { name: 'Гусев Тимур', parent: 'Гусева Людмила Павловна' },
          { name: 'Кудрявцева Елизавета', parent: 'Кудрявцева Ольга Игоревна' },
          { name: 'Баранов Михаил', parent: 'Баранова Светлана Юрьевна' },
        ],
      },
    ],
  },
];

const latin: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p',
  р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
};
const transliterate = (word: string) => [...word.toLocaleLowerCase('ru')].map((letter) => latin[letter] ?? letter).join('');

/** «Иванова Мария Александровна» → mariya.ivanova@demo.parta.test (first name, then surname). */
export function demoEmail(name: string): string {
  const [surname, firstName] = name.split(' ');
  if (!surname || !firstName) throw new Error(`a demo name needs a surname and a first name: ${name}`);
  return `${transliterate(firstName)}.${transliterate(surname)}@${demoDomain}`;
}

/** One line of the printed table: whom to sign in as. */
export type DemoAccount = { role: string; organization: string; name: string; email: string; note?: string };

export type DemoResult =
  | { status: 'refused'; organizations: number }
  | { status: 'created'; operatorCreated: boolean; accounts: DemoAccount[]; counts: { organizations: number; classes: number; staff: number; students: number; parents: number } };

/**
 * Fills an empty database with the demo organizations and people. Refuses (changing nothing)
 * when the database has any organization, so demo people never mix with real ones.
 */
/** `filesDir` and `s3`: where uploaded files live, as configured (the demo uploads none, but chats are built with their file store). */
export async function seedDemo(database: Database, options: { operatorEmail: string; filesDir: string; s3?: Config['s3']; clock?: Clock }): Promise<DemoResult> {
  const { db } = database;
  const clock = options.clock ?? systemClock;
  const organizationCount = async () => Number((await db.selectFrom('organizations').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
  const existing = await organizationCount();
  if (existing > 0) return { status: 'refused', organizations: existing };

  // The same services the server builds (app.ts), on an in-process bus nobody listens to.
  const bus = createInProcessBus();
  const eventLog = createEventLog({ db, bus, clock });
  const people = createPeopleService({ db, eventLog, clock });
  const chats = createChatsService({ db, clock, eventLog });
  const uploads = createUploadsService({ db, store: createConfiguredFileStore({ filesDir: options.filesDir, s3: options.s3 }), clock });
  const messages = createMessagesService({ db, clock, eventLog, bus, uploads, sendLimit: { messages: 1_000, windowMs: 1_000 } });
  const school = createSchoolService({ db, clock, eventLog, people, onRosterChanged: chats.rosterChanged });

  // As on the first `npm start`: the platform operator is created only while there are no users
  // at all, so it must come before the demo people.
  const operatorCreated = await people.ensureOperator(options.operatorEmail);

  const academicYear = academicYearOf(clock.now());
  const accounts: DemoAccount[] = [];
  const toVerify: { organizationId: string; administratorId: string; teacherId: string }[] = [];
  const chatSeeds: { organizationId: string; administratorId: string; classTeacherId: string; className: string; parentIds: string[]; studentIds: string[] }[] = [];
  const counts = { organizations: 0, classes: 0, staff: 0, students: 0, parents: 0 };
  const parentSchools = new Map<string, string[]>();

  await transaction(db, async (tx) => {
    // Checked again inside the transaction, next to the writes.
    if ((await tx.db.selectFrom('organizations').select('id').limit(1).execute()).length > 0) throw new Error('organizations appeared while the demo was being created');

    async function createOrganization(org: { kind: TOrganizationKind; name: string; shortName: string; inn: string; address: string; parentId: string | null }): Promise<string> {
      const { id } = await tx.db
        .insertInto('organizations')
        .values({ kind: org.kind, name: org.name, short_name: org.shortName, inn: org.inn, address: org.address, parent_id: org.parentId, created_at: clock.now() })
        .returning('id')
        .executeTakeFirstOrThrow();
      await school.setUpOrganization(tx, id, org.kind);
      counts.organizations++;
      return id;
    }
    const person = async (name: string, contact: { email?: string; guardianEmail?: string } = { email: demoEmail(name) }) =>
      (await people.findOrCreatePerson(tx, { displayName: name, ...contact })).user.id;
    async function staffMember(organizationId: string, name: string, role: 'administrator' | 'director' | 'teacher'): Promise<string> {
      const id = await person(name);
      await school.grantRole(tx, organizationId, id, role);
      counts.staff++;
      return id;
    }

    const regionId = await createOrganization({ ...region, parentId: null });
    await staffMember(regionId, region.administrator, 'administrator');
    accounts.push({ role: 'administrator (администратор)', organization: region.shortName, name: region.administrator, email: demoEmail(region.administrator) });

    const municipalityId = await createOrganization({ ...municipality, parentId: regionId });
    await staffMember(municipalityId, municipality.administrator, 'administrator');
    accounts.push({ role: 'administrator (администратор)', organization: municipality.shortName, name: municipality.administrator, email: demoEmail(municipality.administrator) });

    async function seedSchool(data: DemoSchool, organizationId: string) {
      const administratorId = await staffMember(organizationId, data.administrator, 'administrator');
      await staffMember(organizationId, data.director, 'director');
      const teacherIds = new Map<string, string>();
      for (const teacher of data.teachers) teacherIds.set(teacher.name, await staffMember(organizationId, teacher.name, 'teacher'));

      for (const demoClass of data.classes) {
        const { row } = await school.ensureClass(tx, organizationId, { name: demoClass.name, grade: demoClass.grade, academicYear });
        counts.classes++;
        for (const student of demoClass.students) {
          const parentEmail = demoEmail(student.parent);
          const parentId = await person(student.parent);
          // A young student has no contact of their own: the codes go to the parent's e-mail.
          const childId = await person(student.name, student.young ? { guardianEmail: parentEmail } : { email: demoEmail(student.name) });
          await school.grantRole(tx, organizationId, childId, 'student');
          await school.placeInClass(tx, organizationId, row.id, childId, 'student');
          await school.linkFamily(tx, organizationId, parentId, childId, administratorId);
          counts.students++;
          const known = parentSchools.get(student.parent);
          if (known) {
            if (!known.includes(data.shortName)) known.push(data.shortName);
          } else {
            parentSchools.set(student.parent, [data.shortName]);
            counts.parents++;
          }
        }
        for (const teacher of data.teachers) {
          const teacherId = teacherIds.get(teacher.name)!;
          if (teacher.classTeacherOf === demoClass.name) await school.placeInClass(tx, organizationId, row.id, teacherId, 'class_teacher');
          if (teacher.teaches.includes(demoClass.name)) await school.placeInClass(tx, organizationId, row.id, teacherId, 'teacher');
        }
      }
      for (const teacher of data.teachers) if (teacher.verified) toVerify.push({ organizationId, administratorId, teacherId: teacherIds.get(teacher.name)! });
      const led = data.teachers.find((teacher) => teacher.classTeacherOf && teacher.verified);
      const ledClass = led && data.classes.find((c) => c.name === led.classTeacherOf);
      if (led && ledClass) {
        const ids = async (names: string[]) =>
          names.length === 0 ? [] : (await tx.db.selectFrom('users').select('id').where('email', 'in', names.map(demoEmail)).execute()).map((row) => row.id);
        chatSeeds.push({
          organizationId,
          administratorId,
          classTeacherId: teacherIds.get(led.name)!,
          className: ledClass.name,
          parentIds: await ids(ledClass.students.map((s) => s.parent)),
          studentIds: await ids(ledClass.students.filter((s) => !s.young).map((s) => s.name)),
        });
      }

      // Whom to sign in as here: one of each.
      const org = data.shortName;
      const classTeacher = data.teachers.find((teacher) => teacher.classTeacherOf)!;
      const pending = data.teachers.find((teacher) => !teacher.verified)!;
      const oldest = data.classes[data.classes.length - 1]!;
      const student = oldest.students[0]!;
      // A parent of this school only (the one with children in both schools has a line of their own).
      const isListedParent = (s: DemoStudent) => !s.young && schools.filter((other) => other.classes.some((c) => c.students.some((o) => o.parent === s.parent))).length === 1;
      const parentOf = data.classes.find((c) => c !== oldest && c.students.some(isListedParent))!;
      const parentStudent = parentOf.students.find(isListedParent)!;
      accounts.push(
        { role: 'administrator (администратор)', organization: org, name: data.administrator, email: demoEmail(data.administrator) },
        { role: 'director (директор)', organization: org, name: data.director, email: demoEmail(data.director) },
        { role: `class teacher, ${classTeacher.classTeacherOf} (классный руководитель)`, organization: org, name: classTeacher.name, email: demoEmail(classTeacher.name) },
        { role: 'teacher, not yet confirmed (учитель)', organization: org, name: pending.name, email: demoEmail(pending.name) },
        { role: `student, ${oldest.name} (ученик)`, organization: org, name: student.name, email: demoEmail(student.name) },
        { role: `parent, ${parentOf.name} (родитель)`, organization: org, name: parentStudent.parent, email: demoEmail(parentStudent.parent) },
      );
      for (const demoClass of data.classes) {
        const young = demoClass.students.find((s) => s.young);
        if (young) {
          accounts.push({
            role: `student, ${demoClass.name}, no own e-mail (ученик)`,
            organization: org,
            name: young.name,
            email: demoEmail(young.parent),
            note: `the parent's e-mail: after the code, choose «${young.name}»`,
          });
          break;
        }
      }
    }

    for (const data of schools) {
      await seedSchool(data, await createOrganization({ kind: 'school', name: data.name, shortName: data.shortName, inn: data.inn, address: data.address, parentId: municipalityId }));
    }

    for (const [name, orgs] of parentSchools) {
      if (orgs.length > 1) accounts.push({ role: 'parent, children in both schools (родитель)', organization: orgs.join(', '), name, email: demoEmail(name) });
    }
  });

  // Teachers are confirmed the way an administrator does it in the app (after the rest is in).
  for (const { organizationId, administratorId, teacherId } of toVerify) {
    const administrator: Identity = { userId: administratorId, sessionId: 'demo', csrfToken: 'demo', isOperator: false };
    await school.setTeacherVerified(administrator, organizationId, teacherId, true);
  }

  // A little life in the chats: the class teacher's class and parents' chats, and a post in the school channel.
  const as = (userId: string): Identity => ({ userId, sessionId: 'demo', csrfToken: 'demo', isOperator: false });
  const say = (userId: string, chatId: string, text: string, extra: { requiresAck?: boolean; replyToId?: string } = {}) =>
    messages.send(as(userId), chatId, { clientId: randomUUID(), text, ...extra }).then((sent) => sent.message);
  for (const seed of chatSeeds) {
    const classRow = await db.selectFrom('classes').select('id').where('organization_id', '=', seed.organizationId).where('name', '=', seed.className).executeTakeFirstOrThrow();
    const { chat: classChat } = await chats.openClassChat(as(seed.classTeacherId), classRow.id, { kind: 'class' });
    const { chat: parentsChat } = await chats.openClassChat(as(seed.classTeacherId), classRow.id, { kind: 'parents' });
    await say(seed.classTeacherId, classChat.id, 'Ребята, завтра **контрольная** по математике. Повторите таблицу умножения!');
    if (seed.studentIds[0]) await say(seed.studentIds[0], classChat.id, 'А учебник брать?');
    const welcome = await say(seed.classTeacherId, parentsChat.id, 'Уважаемые родители! В пятницу в 18:00 — родительское собрание в кабинете 12.');
    if (seed.parentIds[0]) await say(seed.parentIds[0], parentsChat.id, 'Спасибо, придём.', { replyToId: welcome.id });
    const schoolChannel = await db.selectFrom('chats').select('id').where('organization_id', '=', seed.organizationId).where('system_channel', '=', 'school').executeTakeFirstOrThrow();
    await say(seed.administratorId, schoolChannel.id, 'С 1 декабря школа открывается в 7:45. Пожалуйста, подтвердите, что прочитали.', { requiresAck: true });
  }

  const operators = await db.selectFrom('users').select(['email', 'display_name']).where('is_operator', '=', true).where('email', 'is not', null).orderBy('created_at').execute();
  const operatorAccounts = operators.map((operator) => ({ role: 'platform operator (оператор платформы)', organization: '—', name: operator.display_name, email: operator.email! }));
  return { status: 'created', operatorCreated, accounts: [...operatorAccounts, ...accounts], counts };
}

/** The table printed after a successful run. */
export function formatDemoSummary(result: Extract<DemoResult, { status: 'created' }>, options: { publicUrl: string; startCommand: string; hasOutbox: boolean }): string {
  const headers: DemoAccount = { role: 'Sign in as', organization: 'Organization', name: 'Name', email: 'E-mail' };
  const rows = [headers, ...result.accounts];
  const width = (key: 'role' | 'organization' | 'name') => Math.max(...rows.map((row) => row[key].length));
  const [role, organization, name] = [width('role'), width('organization'), width('name')];
  const line = (row: DemoAccount) =>
    `  ${row.role.padEnd(role)}  ${row.organization.padEnd(organization)}  ${row.name.padEnd(name)}  ${row.email}${row.note ? `  (${row.note})` : ''}`;
  const { counts } = result;
  const codes = options.hasOutbox
    ? `There are no real mailboxes: the sign-in code appears at ${options.publicUrl}/dev/outbox and in the server log.`
    : 'SMTP_URL is set: codes would be e-mailed to demo addresses that do not exist. Unset SMTP_URL to get them in the development outbox.';
  return [
    '',
    `  Demo data created: ${counts.organizations} organizations, ${counts.classes} classes, ${counts.staff} staff, ${counts.students} students, ${counts.parents} parents.`,
    '',
    line(headers),
    ...result.accounts.map(line),
    '',
    `  Everyone else signs in the same way: firstname.surname@${demoDomain}, first-graders with their parent's e-mail (see each school's list of people).`,
    `  ${codes}`,
    '',
    `  Start: ${options.startCommand}, then open ${options.publicUrl} and sign in with an e-mail above.`,
    '',
  ].join('\n');
}

/** The command: returns the exit code (2 when refused). */
async function runDemoCli(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 2;
  }
  if (config.isProduction) {
    console.error('npm run demo is for trying Parta out: with NODE_ENV=production there is no development outbox, so nobody could sign in to the demo accounts.');
    return 2;
  }
  await mkdir(config.filesDir, { recursive: true });
  const database = await openConfiguredDatabase(config);
  let result: DemoResult;
  try {
    await migrate(database);
    result = await seedDemo(database, { operatorEmail: config.operatorEmail, filesDir: config.filesDir, s3: config.s3 });
  } finally {
    await database.close();
  }
  if (result.status === 'refused') {
    const where = config.databaseUrl ? 'the database at DATABASE_URL' : config.dataDir;
    console.error(
      `The database in ${where} already has ${result.organizations} organization(s): npm run demo only fills an empty one, so demo people never mix with real data.\n` +
        'Nothing was changed. Use another data directory, e.g. DATA_DIR=./demo-data npm run demo',
    );
    return 2;
  }
  const environment = [process.env.DATA_DIR?.trim() ? `DATA_DIR=${process.env.DATA_DIR.trim()}` : '', process.env.PORT?.trim() ? `PORT=${config.port}` : ''].filter(Boolean).join(' ');
  const startCommand = `${environment ? `${environment} ` : ''}npm start${config.databaseUrl ? ' (with the same DATABASE_URL)' : ''}`;
  console.log(formatDemoSummary(result, { publicUrl: config.publicUrl, startCommand, hasOutbox: !config.smtpUrl }));
  return 0;
}

// Run as a command (node dist/cli/demo.js), not when a test imports it. The exit code is set
// explicitly: closing PGlite resets process.exitCode.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let code: number;
  try {
    code = await runDemoCli();
  } catch (error) {
    console.error(error);
    code = 1;
  }
  process.exit(code);
}
