import { ZSingleLine, type TRosterRow } from '@parta/contracts';
import { parse } from 'csv-parse/sync';
import { AppError, type LocalizedText } from '../../platform/http/index.ts';
import { normalizeDestination } from '../auth/index.ts';

/**
 * Reading a roster file (docs/subsystems/roster-import.md): bytes → rows checked one by one and
 * against each other. Nothing here touches the database; a file that cannot be read at all
 * throws a 400 with a message, a bad row only collects errors.
 */

export const maxRosterBytes = 2 * 1024 * 1024;
export const maxRosterRows = 5_000;

export type RosterRole = NonNullable<TRosterRow['role']>;

export type RosterEntry = {
  /** Where the row starts in the file; the header is line 1. */
  line: number;
  className: string;
  grade: number | null;
  role: RosterRole | null;
  displayName: string;
  email: string | undefined;
  phone: string | undefined;
  /** A parent row: the children as written in «Ребёнок», then their student rows. */
  childNames: string[];
  children: RosterEntry[];
  /** A student without contacts of their own: the e-mails of their parents in the file, in file order. */
  guardianEmails: string[];
  errors: LocalizedText[];
};

const badFile = (ru: string, en: string) => new AppError(400, 'validation_failed', { detail: { ru, en } });

const columnNames = {
  className: ['класс', 'class'],
  role: ['роль', 'role'],
  displayName: ['фио', 'ф и о', 'name', 'full name'],
  email: ['эл почта', 'электронная почта', 'почта', 'e-mail', 'email'],
  phone: ['телефон', 'phone'],
  childNames: ['ребенок', 'дети', 'child', 'children'],
} as const;
type Column = keyof typeof columnNames;
const requiredColumns: Column[] = ['className', 'role', 'displayName'];
const expectedHeader = 'Класс;Роль;ФИО;Эл. почта;Телефон;Ребёнок';
const noHeader = () => badFile(`Нет строки заголовков. Первая строка файла должна быть такой: ${expectedHeader}`, `No header row. The first line of the file must be: ${expectedHeader}`);

const roleNames: Record<string, RosterRole> = {
  ученик: 'student',
  ученица: 'student',
  student: 'student',
  родитель: 'parent',
  parent: 'parent',
  учитель: 'teacher',
  педагог: 'teacher',
  teacher: 'teacher',
  'классный руководитель': 'class_teacher',
  'class teacher': 'class_teacher',
};

/** How names are compared: case, «ё» and spacing do not matter. */
const nameKey = (name: string) => name.toLocaleLowerCase('ru').replaceAll('ё', 'е').replace(/\s+/g, ' ').trim();
/** Header cells and roles: «Эл. почта» → «эл почта», «class_teacher» → «class teacher». */
const simplify = (text: string) => nameKey(text.replace(/[._]/g, ' '));

/** «5 а» → «5А»; longer names («10 физмат») keep their spelling, with spaces collapsed. */
function normalizeClassName(raw: string): string {
  const name = raw.replace(/\s+/g, ' ').trim();
  const short = /^(\d{1,2}) ?(\p{L})$/u.exec(name);
  return short ? `${short[1]}${short[2]!.toLocaleUpperCase('ru')}` : name;
}

const ZDisplayName = ZSingleLine(3, 150);
const ZClassName = ZSingleLine(1, 40);

/** The file as text: UTF-8 only (a BOM is fine), line ends made `\n`. */
function decode(bytes: Buffer): string {
  if (bytes.subarray(0, 4).toString('latin1') === 'PK\u0003\u0004') {
    throw badFile('Это файл Excel (.xlsx), а нужен CSV. Сохраните его как «CSV UTF-8 (разделитель — запятая)» и загрузите снова.', 'This is an Excel workbook (.xlsx), not CSV. Save it as “CSV UTF-8 (comma delimited)” and upload it again.');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = '\u0000';
  }
  // A NUL never occurs in a text file; UTF-16 without a BOM decodes to ASCII with NULs in between.
  if (text.includes('\u0000')) {
    throw badFile('Файл не в кодировке UTF-8 (возможно, Windows-1251). Сохраните его как «CSV UTF-8» и загрузите снова.', 'The file is not UTF-8 encoded (perhaps Windows-1251). Save it as “CSV UTF-8” and upload it again.');
  }
  if (text.trim() === '') throw badFile('Файл пустой.', 'The file is empty.');
  return text.replace(/\r\n?/g, '\n');
}

type CsvRecord = { line: number; cells: string[]; expectedCells?: number };
const wrongLength = 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH';

/** CSV records with their line numbers; a row with the wrong number of cells comes back marked. */
function readRecords(text: string): CsvRecord[] {
  const headerLine = text.trimStart().split('\n', 1)[0]!;
  const delimiter = headerLine.split(';').length >= headerLine.split(',').length ? ';' : ',';
  const skipped: { code: string; line: number; cells: string[] }[] = [];
  const parsed = parse(text, {
    delimiter,
    info: true,
    trim: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    relax_column_count: false,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error) skipped.push({ code: error.code, line: Number(error.lines), cells: ((error as { record?: string[] }).record ?? []).map((cell) => cell.trim()) });
    },
  }) as unknown as { record: string[]; info: { lines: number } }[];
  // info.lines is where a record ends; quoted line breaks inside it move its start up.
  const records: CsvRecord[] = parsed.map(({ record, info }) => ({ line: info.lines - record.reduce((sum, cell) => sum + (cell.match(/\n/g)?.length ?? 0), 0), cells: record }));
  // Anything but a wrong number of cells is broken quoting: the rows after it cannot be trusted.
  const brokenQuote = skipped.find((skip) => skip.code !== wrongLength);
  if (brokenQuote?.code === 'CSV_QUOTE_NOT_CLOSED') {
    // Reported at the end of the file; the quote opened on the first non-blank line after the last good record.
    const lines = text.split('\n');
    let line = 1 + Math.max(0, ...parsed.map(({ info }) => info.lines), ...skipped.filter((skip) => skip !== brokenQuote).map((skip) => skip.line));
    while (line < lines.length && lines[line - 1]!.trim() === '') line += 1;
    throw badFile(`Строка ${line}: кавычка открыта и не закрыта до конца файла. Проверьте кавычки в этой строке.`, `Line ${line}: a quote is opened and never closed. Check the quotes on this line.`);
  }
  if (brokenQuote) {
    const { line } = brokenQuote;
    throw badFile(
      `Строка ${line}: ошибка в кавычках. Ячейка в кавычках должна быть в них целиком, а кавычка внутри неё пишется дважды (""). Исправьте строку и загрузите файл снова.`,
      `Line ${line}: broken quoting. A quoted cell must be quoted as a whole, and a quote inside it is written twice (""). Fix the line and upload the file again.`,
    );
  }
  const expectedCells = records[0]?.cells.length ?? 0;
  const misshapen = skipped.map((skip) => ({ line: skip.line, cells: skip.cells, expectedCells }));
  return [...records, ...misshapen].sort((a, b) => a.line - b.line);
}

/** Which column is which; an unknown, repeated or missing column makes the file unreadable. */
function readHeader(cells: string[]): Map<Column, number> {
  const columns = new Map<Column, number>();
  const unknown: string[] = [];
  cells.forEach((cell, index) => {
    const column = (Object.keys(columnNames) as Column[]).find((name) => (columnNames[name] as readonly string[]).includes(simplify(cell)));
    if (!column || columns.has(column)) unknown.push(cell);
    else columns.set(column, index);
  });
  if (columns.size === 0) {
    throw noHeader();
  }
  const missing = requiredColumns.filter((column) => !columns.has(column)).map((column) => columnNames[column][0]);
  if (unknown.length > 0 || missing.length > 0) {
    const problems = [unknown.length ? `неизвестные или повторные столбцы: ${unknown.map((c) => `«${c}»`).join(', ')}` : '', missing.length ? `нет столбцов: ${missing.join(', ')}` : ''].filter(Boolean);
    const problemsEn = [unknown.length ? `unknown or repeated columns: ${unknown.map((c) => `“${c}”`).join(', ')}` : '', missing.length ? `missing columns: ${missing.join(', ')}` : ''].filter(Boolean);
    throw badFile(`Заголовок файла: ${problems.join('; ')}. Ожидаются столбцы ${expectedHeader}`, `File header: ${problemsEn.join('; ')}. Expected columns: ${expectedHeader}`);
  }
  return columns;
}

/** One row on its own: role, name, contacts, class and children as written. */
function readRow(line: number, cells: string[], columns: Map<Column, number>): RosterEntry {
  const cell = (column: Column) => (columns.has(column) ? (cells[columns.get(column)!] ?? '') : '');
  const errors: LocalizedText[] = [];
  const error = (ru: string, en: string) => errors.push({ ru, en });

  const roleText = cell('role');
  const role = roleNames[simplify(roleText)] ?? null;
  if (!role) {
    if (roleText) error(`неизвестная роль «${roleText}»: ученик, родитель, учитель или классный руководитель`, `unknown role “${roleText}”: student, parent, teacher or class_teacher`);
    else error('не указана роль', 'the role is missing');
  }

  const displayName = cell('displayName').replace(/\s+/g, ' ').trim();
  if (!ZDisplayName.safeParse(displayName).success) error('ФИО: от 3 до 150 символов', 'full name: 3 to 150 characters');

  const contact = (column: 'email' | 'phone') => {
    const text = cell(column);
    if (!text) return undefined;
    const destination = normalizeDestination(text);
    if (destination?.channel === column) return destination.value;
    if (column === 'email') error(`неверный адрес эл. почты «${text}»`, `invalid e-mail “${text}”`);
    else error(`неверный номер телефона «${text}»: нужен мобильный, например +7 900 123-45-67`, `invalid phone “${text}”: a mobile number, e.g. +7 900 123-45-67`);
    return undefined;
  };
  const email = contact('email');
  const phone = contact('phone');
  if (role && role !== 'student' && !cell('email') && !cell('phone')) error('укажите эл. почту или телефон', 'give an e-mail or a phone');

  const className = normalizeClassName(cell('className'));
  const gradeMatch = /^\d+/.exec(className);
  const grade = gradeMatch ? Number(gradeMatch[0]) : null;
  if (className && (grade === null || grade < 1 || grade > 11 || !ZClassName.safeParse(className).success)) {
    error(`класс «${className}»: название начинается с номера от 1 до 11, например 5А (не длиннее 40 символов)`, `class “${className}”: the name starts with a grade from 1 to 11, e.g. 5A (at most 40 characters)`);
  }
  if (!className && role && role !== 'teacher') error('не указан класс', 'the class is missing');

  const childNames = cell('childNames').split(/[,|]/).map((name) => name.replace(/\s+/g, ' ').trim()).filter(Boolean);
  if (role === 'parent' && childNames.length === 0) error('укажите ребёнка (ФИО ученика из этого файла)', 'name the child (a student’s full name from this file)');
  if (role && role !== 'parent' && childNames.length > 0) error('столбец «Ребёнок» заполняется только у родителей', 'only parent rows have a child');

  return { line, className, grade, role, displayName, email, phone, childNames, children: [], guardianEmails: [], errors };
}

const sameClass = (a: RosterEntry, b: RosterEntry) => nameKey(a.className) === nameKey(b.className);
const studentKey = (entry: RosterEntry) => `${nameKey(entry.className)}\u0000${nameKey(entry.displayName)}`;

/**
 * Rows against each other: one person per row (a teacher or parent may repeat for another class
 * or role, a student never), each parent's children among the students of their class, and a
 * parent's e-mail for every student who has no contacts of their own.
 */
function checkAcrossRows(entries: RosterEntry[]): void {
  const byContact = new Map<string, RosterEntry[]>();
  const students = new Map<string, RosterEntry>();
  for (const entry of entries.filter((e) => e.role)) {
    for (const contact of [entry.email, entry.phone].filter((c): c is string => c !== undefined)) {
      const earlier = byContact.get(contact) ?? [];
      const clash = earlier.find((other) => other.role === 'student' || entry.role === 'student' || (other.role === entry.role && sameClass(other, entry)));
      if (clash) entry.errors.push({ ru: `«${contact}» уже указан в строке ${clash.line}`, en: `“${contact}” is already given on line ${clash.line}` });
      byContact.set(contact, [...earlier, entry]);
    }
    if (entry.role === 'student') {
      const twin = students.get(studentKey(entry));
      if (twin) entry.errors.push({ ru: `ученик с таким ФИО уже есть в этом классе (строка ${twin.line})`, en: `a student with this name is already in this class (line ${twin.line})` });
      else students.set(studentKey(entry), entry);
    }
  }

  const parents = entries.filter((entry) => entry.role === 'parent');
  for (const parent of parents) {
    for (const name of parent.childNames) {
      const child = students.get(studentKey({ ...parent, displayName: name }));
      if (child) parent.children.push(child);
      else parent.errors.push({ ru: `ребёнок «${name}» не найден среди учеников класса ${parent.className} в этом файле`, en: `child “${name}” is not among the students of class ${parent.className} in this file` });
    }
  }

  for (const student of students.values()) {
    if (student.email || student.phone || student.errors.length > 0) continue;
    student.guardianEmails = parents.filter((parent) => parent.errors.length === 0 && parent.children.includes(student)).flatMap((parent) => (parent.email ? [parent.email] : []));
    if (student.guardianEmails.length === 0) {
      student.errors.push({
        ru: 'у ученика нет ни эл. почты, ни телефона: укажите их или добавьте строку родителя с эл. почтой',
        en: 'the student has neither an e-mail nor a phone: give one, or add a parent row with an e-mail',
      });
    }
  }
  rejectParentsOfRejectedChildren(entries);
}

/** A parent row cannot be applied without its children's rows. */
export function rejectParentsOfRejectedChildren(entries: readonly RosterEntry[]): void {
  for (const parent of entries.filter((entry) => entry.role === 'parent' && entry.errors.length === 0)) {
    const rejected = parent.children.find((child) => child.errors.length > 0);
    if (rejected) parent.errors.push({ ru: `в строке ребёнка «${rejected.displayName}» (строка ${rejected.line}) ошибка`, en: `the row of child “${rejected.displayName}” (line ${rejected.line}) has an error` });
  }
}

/** The whole file read and checked; throws a 400 when it cannot be read at all. */
export function readRoster(bytes: Buffer): RosterEntry[] {
  const [header, ...rows] = readRecords(decode(bytes));
  if (!header) throw noHeader();
  const columns = readHeader(header.cells);
  if (rows.length === 0) throw badFile('В файле нет ни одной строки после заголовка.', 'The file has no rows after the header.');
  if (rows.length > maxRosterRows) {
    throw badFile(`В файле ${rows.length} строк, а за один раз можно загрузить не больше ${maxRosterRows}. Разделите его на части.`, `The file has ${rows.length} rows; at most ${maxRosterRows} can be imported at once. Split it.`);
  }
  const entries = rows.map((record) => {
    const entry = readRow(record.line, record.cells, columns);
    if (record.expectedCells !== undefined) {
      const { length } = record.cells;
      entry.errors = [{ ru: `неверное число столбцов: ${length} вместо ${record.expectedCells}. Проверьте разделители и кавычки`, en: `wrong number of columns: ${length} instead of ${record.expectedCells}. Check the delimiters and quotes` }];
      entry.role = null;
    }
    return entry;
  });
  checkAcrossRows(entries);
  return entries;
}
