import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { academicYearOf, type TRosterImportResult } from '@parta/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, signIn, startTestApp, type SignedIn, type TestApp } from '../../test/harness.ts';
import { registerOrganization } from '../../test/organizations.ts';

const sample = readFileSync(new URL('../../../../web/public/roster-sample.csv', import.meta.url));
const header = 'Класс;Роль;ФИО;Эл. почта;Телефон;Ребёнок';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

function importRoster(as: SignedIn | null, organizationId: string, body: string | Buffer, mode: 'preview' | 'apply' = 'preview', headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: `/api/organizations/${organizationId}/roster-imports?mode=${mode}`,
    payload: typeof body === 'string' ? Buffer.from(body) : body,
    headers: { 'content-type': 'text/csv', ...(as ? asUser(as) : {}), ...headers },
  });
}

/** A CSV from lines of cells; `;` unless told. */
const csv = (rows: string[][], delimiter = ';') => rows.map((cells) => cells.join(delimiter)).join('\r\n');
const unique = (prefix: string) => `${prefix}.${randomBytes(4).toString('hex')}@school.test`;

const tables = ['users', 'memberships', 'classes', 'class_members', 'family_links', 'user_events', 'user_event_counters'] as const;
/** A digest of every row of the tables an import may write: any write changes it. */
async function snapshot() {
  const digests = await Promise.all(
    tables.map(async (table) => {
      const { rows } = await sql<{ digest: string }>`SELECT count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS digest FROM ${sql.table(table)} x`.execute(t.database.db);
      return [table, rows[0]!.digest] as const;
    }),
  );
  return Object.fromEntries(digests);
}

/** Windows-1251 bytes of a text in Russian (what Excel writes for «CSV (разделители — запятые)»). */
const cp1251 = (text: string) =>
  Buffer.from(
    [...text].map((char) => {
      const code = char.codePointAt(0)!;
      if (code < 0x80) return code;
      if (code >= 0x410 && code <= 0x44f) return code - 0x350;
      return { Ё: 0xa8, ё: 0xb8 }[char as 'Ё' | 'ё']!;
    }),
  );

describe('the sample file (apps/web/public/roster-sample.csv)', () => {
  let school: Awaited<ReturnType<typeof registerOrganization>>;
  beforeAll(async () => {
    school = await registerOrganization(t);
  });

  it('is UTF-8 with a BOM, «;»-separated, with CRLF line ends: what Russian Excel opens and writes', () => {
    expect([...sample.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(sample.toString('utf8').slice(1).split('\r\n')[0]).toBe(header);
  });

  it('preview: lists what applying would do and writes nothing', async () => {
    const before = await snapshot();
    const response = await importRoster(school.admin, school.organizationId, sample);
    expect(response.statusCode, response.body).toBe(200);
    const result: TRosterImportResult = response.json();
    expect(await snapshot()).toEqual(before);
    expect(result).toMatchObject({ mode: 'preview', applied: false, summary: { classesToCreate: ['5А', '6Б'], create: 12, update: 1, unchanged: 0, errors: 0 } });
    expect(result.rows[0]).toEqual({ line: 2, className: '5А', role: 'class_teacher', displayName: 'Смирнова Елена Викторовна', action: 'create', errors: [] });
    // The same teacher in a second class: the person exists by then, the row adds a place.
    expect(result.rows.find((row) => row.line === 4)).toMatchObject({ className: '6Б', role: 'teacher', action: 'update' });
    expect(result.rows.find((row) => row.line === 6)).toMatchObject({ className: '', role: 'teacher', action: 'create' });
  });

  it('apply: creates the classes, people, roles, places in classes and family links', async () => {
    const response = await importRoster(school.admin, school.organizationId, sample, 'apply');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ mode: 'apply', applied: true, summary: { classesToCreate: ['5А', '6Б'], create: 12, update: 1, errors: 0 } });

    const { db } = t.database;
    const classes = await db.selectFrom('classes').select(['name', 'grade', 'academic_year']).where('organization_id', '=', school.organizationId).where('kind', '=', 'class').orderBy('name').execute();
    expect(classes).toEqual([
      { name: '5А', grade: 5, academic_year: academicYearOf(t.clock.now()) },
      { name: '6Б', grade: 6, academic_year: academicYearOf(t.clock.now()) },
    ]);

    const userOf = (email: string) => db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
    const young = await db.selectFrom('users').selectAll().where('display_name', '=', 'Иванова Мария Сергеевна').executeTakeFirstOrThrow();
    expect(young).toMatchObject({ email: null, phone: null, guardian_email: 'anna.ivanova@example.com' });
    const phoneOnly = await db.selectFrom('users').selectAll().where('phone', '=', '+79000000002').executeTakeFirstOrThrow();
    expect(phoneOnly).toMatchObject({ display_name: 'Соколов Дмитрий Игоревич', email: null, guardian_email: null });

    const roles = await db.selectFrom('memberships').innerJoin('users', 'users.id', 'memberships.user_id').select(['users.display_name as name', 'memberships.role']).where('organization_id', '=', school.organizationId).where('role', '!=', 'administrator').execute();
    expect(roles).toHaveLength(13 - 1); // Kuznetsov is one teacher with two rows
    expect(roles).toContainEqual({ name: 'Белов Олег Игоревич', role: 'teacher' });
    expect(roles).toContainEqual({ name: 'Морозов Андрей Викторович', role: 'parent' });

    const places = await db
      .selectFrom('class_members')
      .innerJoin('classes', 'classes.id', 'class_members.class_id')
      .innerJoin('users', 'users.id', 'class_members.user_id')
      .select(['classes.name as className', 'users.display_name as name', 'class_members.role'])
      .where('classes.organization_id', '=', school.organizationId)
      .where('classes.kind', '=', 'class')
      .execute();
    expect(places).toEqual(
      expect.arrayContaining([
        { className: '5А', name: 'Смирнова Елена Викторовна', role: 'class_teacher' },
        { className: '5А', name: 'Кузнецов Андрей Павлович', role: 'teacher' },
        { className: '6Б', name: 'Кузнецов Андрей Павлович', role: 'teacher' },
        { className: '6Б', name: 'Орлова Наталья Сергеевна', role: 'class_teacher' },
        { className: '5А', name: 'Иванова Мария Сергеевна', role: 'student' },
        { className: '6Б', name: 'Морозова Алиса Андреевна', role: 'student' },
      ]),
    );
    expect(places).toHaveLength(8);

    const anna = await userOf('anna.ivanova@example.com');
    const links = await db.selectFrom('family_links').select(['parent_id', 'child_id']).where('parent_id', '=', anna.id).execute();
    expect(links.map((link) => link.child_id).sort()).toEqual([young.id, (await userOf('petr.ivanov@example.com')).id].sort());
    expect(await db.selectFrom('family_links').select('id').execute()).toHaveLength(5);

    // The parent's e-mail signs in to the young student's account too.
    const parent = await signIn(t, 'anna.ivanova@example.com');
    const members = await t.app.inject({ method: 'GET', url: `/api/organizations/${school.organizationId}/members/${parent.userId}`, headers: asUser(parent) });
    expect(members.json().children.map((child: { displayName: string }) => child.displayName).sort()).toEqual(['Иванов Пётр Сергеевич', 'Иванова Мария Сергеевна']);
  });

  it('importing the same file again: every row unchanged, and applying writes nothing', async () => {
    const before = await snapshot();
    const preview = await importRoster(school.admin, school.organizationId, sample);
    expect(preview.json().summary).toEqual({ classesToCreate: [], create: 0, update: 0, unchanged: 13, errors: 0 });
    expect(preview.json().rows.every((row: { action: string }) => row.action === 'unchanged')).toBe(true);
    const applied = await importRoster(school.admin, school.organizationId, sample, 'apply');
    expect(applied.statusCode).toBe(200);
    expect(applied.json().summary).toMatchObject({ create: 0, update: 0, unchanged: 13 });
    expect(await snapshot()).toEqual(before);
  });
  it('finds a young student by the parent’s e-mail their account has, whichever parent row comes first', async () => {
    const file = csv([
      header.split(';'),
      ['5А', 'ученик', 'Иванова Мария Сергеевна', '', '', ''],
      ['5А', 'родитель', 'Иванов Сергей Петрович', 's.ivanov@example.com', '', 'Иванова Мария Сергеевна'],
      ['5А', 'родитель', 'Иванова Анна Викторовна', 'anna.ivanova@example.com', '', 'Иванова Мария Сергеевна'],
    ]);
    const applied = await importRoster(school.admin, school.organizationId, file, 'apply');
    expect(applied.json().rows.map((row: { action: string }) => row.action)).toEqual(['unchanged', 'create', 'unchanged']);
    const namesakes = await t.database.db.selectFrom('users').select('guardian_email').where('display_name', '=', 'Иванова Мария Сергеевна').execute();
    expect(namesakes).toEqual([{ guardian_email: 'anna.ivanova@example.com' }]);
  });
});

describe('rows with errors', () => {
  it('preview shows each row’s errors; apply answers 400 and writes nothing', async () => {
    const { organizationId, admin } = await registerOrganization(t);
    const good = unique('good');
    const file = csv([
      header.split(';'),
      ['5А', 'ученик', 'Хороший Ученик', good, '', ''], // 2
      ['5А', 'директор', 'Кто-то Ещё', unique('x'), '', ''], // 3: unknown role
      ['5А', 'ученик', '', unique('x'), '', ''], // 4: no name
      ['5А', 'ученик', 'Плохой Адрес', 'not-an-email', '', ''], // 5
      ['5А', 'учитель', 'Плохой Телефон', '', '12345', ''], // 6
      ['5А', 'родитель', 'Чужой Родитель', unique('parent'), '', 'Нет Такого'], // 7: child not in the file
      ['5Б', 'ученик', 'Ещё Один', good, '', ''], // 8: the same e-mail as line 2
      ['5А', 'ученик', 'Без Контактов', '', '', ''], // 9: no contact and no parent with an e-mail
      ['5А', 'ученик', 'Лишний', unique('x'), '', '', 'столбец'], // 10: too many columns
      ['15Х', 'учитель', 'Неверный Класс', unique('t'), '', ''], // 11
      ['5А', 'ученик', 'хороший  ученик', unique('x'), '', ''], // 12: the same student as line 2
    ]);
    const before = await snapshot();
    const preview = await importRoster(admin, organizationId, file);
    expect(preview.statusCode, preview.body).toBe(200);
    const rows: TRosterImportResult['rows'] = preview.json().rows;
    const errorsOf = (line: number) => rows.find((row) => row.line === line)?.errors.join(' | ');
    expect(rows.map((row) => row.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(rows[0]).toMatchObject({ action: 'create', errors: [] });
    expect(errorsOf(3)).toContain('неизвестная роль «директор»');
    expect(rows[1]!.role).toBeNull();
    expect(errorsOf(4)).toContain('ФИО');
    expect(errorsOf(5)).toContain('неверный адрес эл. почты «not-an-email»');
    expect(errorsOf(6)).toContain('неверный номер телефона «12345»');
    expect(errorsOf(7)).toContain('ребёнок «Нет Такого» не найден среди учеников класса 5А');
    expect(errorsOf(8)).toContain(`«${good}» уже указан в строке 2`);
    expect(errorsOf(9)).toContain('нет ни эл. почты, ни телефона');
    expect(errorsOf(10)).toContain('неверное число столбцов: 7 вместо 6');
    expect(errorsOf(11)).toContain('класс «15Х»');
    expect(errorsOf(12)).toContain('уже есть в этом классе (строка 2)');
    expect(preview.json().summary).toMatchObject({ create: 1, errors: 10 });

    const applied = await importRoster(admin, organizationId, file, 'apply');
    expect(applied.statusCode).toBe(400);
    expect(applied.json().error).toMatchObject({ code: 'validation_failed', message: expect.stringContaining('Ничего не записано') });
    expect(applied.json().error.fields['line 3']).toContain('неизвестная роль');
    expect(await snapshot()).toEqual(before);
  });

  it('a student already in another class of the school is pointed to a transfer', async () => {
    const { organizationId, admin } = await registerOrganization(t);
    const email = unique('student');
    const parentEmail = unique('parent');
    const first = await importRoster(admin, organizationId, csv([header.split(';'), ['5А', 'ученик', 'Петров Пётр', email, '', '']]), 'apply');
    expect(first.statusCode, first.body).toBe(200);
    const moved = csv([header.split(';'), ['5Б', 'ученик', 'Петров Пётр', email, '', ''], ['5Б', 'родитель', 'Петрова Анна', parentEmail, '', 'Петров Пётр']]);
    const preview = await importRoster(admin, organizationId, moved);
    expect(preview.json().rows[0]).toMatchObject({ action: 'error', errors: [expect.stringContaining('уже учится в классе 5А')] });
    expect(preview.json().rows[1]).toMatchObject({ action: 'error', errors: [expect.stringContaining('в строке ребёнка «Петров Пётр» (строка 2) ошибка')] });
    const before = await snapshot();
    expect((await importRoster(admin, organizationId, moved, 'apply')).statusCode).toBe(400);
    expect(await snapshot()).toEqual(before);
  });
});

describe('files that cannot be read: 400 with a clear message, nothing written', () => {
  let school: Awaited<ReturnType<typeof registerOrganization>>;
  beforeAll(async () => {
    school = await registerOrganization(t);
  });

  const refused = async (body: string | Buffer, headers: Record<string, string> = {}) => {
    const before = await snapshot();
    for (const mode of ['preview', 'apply'] as const) {
      const response = await importRoster(school.admin, school.organizationId, body, mode, headers);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error.code).toBe('validation_failed');
    }
    expect(await snapshot()).toEqual(before);
    return (await importRoster(school.admin, school.organizationId, body, 'preview', headers)).json().error.message as string;
  };

  it('Windows-1251: says so, in Russian by default and in English on request', async () => {
    const file = cp1251(`${header}\r\n5А;ученик;Иванов Пётр;petr@school.test;;\r\n`);
    expect([...file.subarray(0, 5)]).toEqual([0xca, 0xeb, 0xe0, 0xf1, 0xf1]); // «Класс»
    expect(await refused(file)).toBe('Файл не в кодировке UTF-8 (возможно, Windows-1251). Сохраните его как «CSV UTF-8» и загрузите снова.');
    expect(await refused(file, { 'accept-language': 'en-GB,en;q=0.9' })).toBe('The file is not UTF-8 encoded (perhaps Windows-1251). Save it as “CSV UTF-8” and upload it again.');
  });

  it('empty, header only, no header, unknown or missing columns, an Excel workbook', async () => {
    expect(await refused('')).toBe('Файл пустой.');
    expect(await refused('\uFEFF\r\n  \r\n')).toBe('Файл пустой.');
    expect(await refused(`${header}\r\n`)).toContain('нет ни одной строки');
    expect(await refused('5А;ученик;Иванов Пётр;petr@school.test;;')).toContain('Нет строки заголовков');
    expect(await refused('Класс;Роль;ФИО;Эл. адрес\n5А;ученик;Иванов Пётр;petr@school.test')).toContain('«Эл. адрес»');
    expect(await refused('Класс;ФИО\n5А;Иванов Пётр')).toContain('нет столбцов: роль');
    expect(await refused(Buffer.from('PK\u0003\u0004 workbook'))).toContain('Excel');
  });

  it('broken quoting names the line', async () => {
    expect(await refused(`${header}\n5А;ученик;"Иванов" Пётр;petr@school.test;;\n`)).toContain('Строка 2: ошибка в кавычках');
    expect(await refused(`${header}\n5А;ученик;Иванов Пётр;petr@school.test;;\n5А;ученик;"Петров;p@school.test;;\n5А;ученик;Сидоров;s@school.test;;\n`)).toContain('Строка 3: кавычка открыта и не закрыта');
  });

  it('more than 5 000 rows', async () => {
    const rows = Array.from({ length: 5_001 }, (_, index) => `5А;ученик;Ученик Номер ${index};s${index}@school.test;;`);
    expect(await refused([header, ...rows].join('\n'))).toContain('не больше 5000');
  });
});

describe('format variants', () => {
  it('reads «,» and «;», with or without a BOM, English column names and roles, any line ends', async () => {
    const { organizationId, admin } = await registerOrganization(t);
    const [teacher, student, parent] = [unique('teacher'), unique('student'), unique('parent')];
    const semicolon = `\uFEFF${header}\r\n5а;Классный руководитель;Учитель Один;${teacher};;\r\n5 а;УЧЕНИК;Ученик Один;${student};;\r\n5А;ученик;Ученик Два;;;\r\n5А;родитель;Родитель Один;${parent};+7 900 000-00-09;ученик один| Ученик  Два\r\n`;
    const comma = `Class,Role,Full name,Email,Phone,Children\n5а,class_teacher,Учитель Один,${teacher},,\n5 а,student,Ученик Один,${student},,\n5А,Student,Ученик Два,,,\n5А,parent,Родитель Один,${parent},+7 900 000-00-09,"ученик один, Ученик  Два"`;
    const results = [];
    for (const file of [semicolon, comma]) {
      const response = await importRoster(admin, organizationId, file);
      expect(response.statusCode, response.body).toBe(200);
      results.push(response.json());
    }
    expect(results[0].summary).toEqual({ classesToCreate: ['5А'], create: 4, update: 0, unchanged: 0, errors: 0 });
    expect(results[1]).toEqual(results[0]);
    expect(results[0].rows.map((row: { className: string; role: string }) => [row.className, row.role])).toEqual([
      ['5А', 'class_teacher'],
      ['5А', 'student'],
      ['5А', 'student'],
      ['5А', 'parent'],
    ]);
  });

  it('numbers rows by the line they start on, with a quoted line break and blank lines', async () => {
    const { organizationId, admin } = await registerOrganization(t);
    const file = `${header}\n5А;ученик;"Ученик\nС Переносом";${unique('student')};;\n\n5А;директор;Кто-то Третий;${unique('x')};;\n`;
    const rows = (await importRoster(admin, organizationId, file)).json().rows;
    expect(rows).toMatchObject([
      { line: 2, displayName: 'Ученик С Переносом', action: 'create' },
      { line: 5, action: 'error' },
    ]);
  });

  it('accepts the content types browsers send for .csv, and refuses JSON (415)', async () => {
    const { organizationId, admin } = await registerOrganization(t);
    const file = `${header}\n;учитель;Учитель Два;${unique('teacher')};;`;
    for (const type of ['text/csv; charset=utf-8', 'application/vnd.ms-excel', 'application/octet-stream']) {
      expect((await importRoster(admin, organizationId, file, 'preview', { 'content-type': type })).statusCode).toBe(200);
    }
    const json = await t.app.inject({ method: 'POST', url: `/api/organizations/${organizationId}/roster-imports?mode=preview`, payload: { rows: [] }, headers: asUser(admin) });
    expect(json.statusCode).toBe(415);
    const badMode = await t.app.inject({ method: 'POST', url: `/api/organizations/${organizationId}/roster-imports?mode=yes`, payload: file, headers: { ...asUser(admin), 'content-type': 'text/csv' } });
    expect(badMode.statusCode).toBe(400);
  });

  it('refuses a file over 2 MB with 413', async () => {
    const { organizationId, admin } = await registerOrganization(t);
    const response = await importRoster(admin, organizationId, Buffer.alloc(2 * 1024 * 1024 + 1, 'a'));
    expect(response.statusCode).toBe(413);
    expect(response.json().error).toMatchObject({ code: 'payload_too_large', message: 'Файл больше 2 МБ. Разделите список на части.' });
  });
});

describe('who may import', () => {
  it('administrators only: anonymous 401, a member without the role 403, another school’s administrator 404', async () => {
    const { organizationId, admin } = await registerOrganization(t);
    const other = await registerOrganization(t);
    const teacherEmail = unique('teacher');
    const file = `${header}\n;учитель;Учитель Три;${teacherEmail};;`;
    expect((await importRoster(admin, organizationId, file, 'apply')).statusCode).toBe(200);
    const teacher = await signIn(t, teacherEmail);
    const before = await snapshot();
    expect((await importRoster(null, organizationId, file, 'apply')).statusCode).toBe(401);
    expect((await importRoster(teacher, organizationId, file, 'apply')).statusCode).toBe(403);
    expect((await importRoster(other.admin, organizationId, file, 'apply')).statusCode).toBe(404);
    expect(await snapshot()).toEqual(before);
  });
});
