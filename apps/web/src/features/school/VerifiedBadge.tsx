import { useTranslation } from 'react-i18next';

/** «✓ учитель подтверждён»: an administrator confirmed this teacher's status. */
export function VerifiedBadge() {
  const { t } = useTranslation();
  return (
    <span className="badge badge--verified">
      <span aria-hidden="true">✓ </span>
      {t('school.verifiedTeacher')}
    </span>
  );
}
