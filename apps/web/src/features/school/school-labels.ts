import type { TMember } from '@parta/contracts';
import type { TranslationKey } from '../../platform/i18n/translation-key';

type ClassPlace = TMember['classes'][number]['place'];

/** How a person is in a class: «обучающийся», «классный руководитель», … */
export const classPlaceLabelKeys: Record<ClassPlace, TranslationKey> = {
  student: 'school.places.student',
  teacher: 'school.places.teacher',
  class_teacher: 'school.places.class_teacher',
  parent: 'school.places.parent',
  staff: 'school.places.staff',
};
