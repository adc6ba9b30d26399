import type { TClassDetail, TMember } from '@parta/contracts';

export type RosterGroupName = 'classTeachers' | 'teachers' | 'students' | 'parents' | 'staff';
export type Roster = Record<RosterGroupName, TMember[]>;

type Place = TMember['classes'][number]['place'];

/** Where a person with several places in one class is listed: the first that applies. */
const placeOrder: readonly Place[] = ['class_teacher', 'teacher', 'student', 'parent', 'staff'];
const groupOfPlace: Record<Place, RosterGroupName> = { class_teacher: 'classTeachers', teacher: 'teachers', student: 'students', parent: 'parents', staff: 'staff' };

/** The roster of a class in groups: class teachers, teachers, students, parents, staff (the staff room), each by name. */
export function groupRoster({ class: item, members }: TClassDetail): Roster {
  const roster: Roster = { classTeachers: [], teachers: [], students: [], parents: [], staff: [] };
  const classTeacherIds = new Set(item.classTeachers.map((person) => person.id));
  for (const member of members) {
    const places = member.classes.filter((entry) => entry.id === item.id).map((entry) => entry.place);
    if (classTeacherIds.has(member.id)) places.push('class_teacher');
    const place = placeOrder.find((candidate) => places.includes(candidate));
    if (place) roster[groupOfPlace[place]].push(member);
  }
  for (const group of Object.values(roster)) group.sort((a, b) => a.displayName.localeCompare(b.displayName));
  return roster;
}
