import { academicYearOf, type TClass } from '@parta/contracts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ClassForm } from './ClassForm';
import { createClass } from './school-api';
import { useSchoolMutation } from './use-school-queries';

/** «Новый класс» (administrators): after creating, the form starts again empty and says what was made. */
export function CreateClassCard({ organizationId, onCreated }: { organizationId: string; onCreated: (created: TClass) => void }) {
  const { t } = useTranslation();
  const create = useSchoolMutation(organizationId, (request: Parameters<typeof createClass>[1]) => createClass(organizationId, request));
  // A new form after each class, so the fields are empty again.
  const [formKey, setFormKey] = useState(0);
  return (
    <section className="card" aria-labelledby="create-class-title">
      <h2 id="create-class-title">{t('classes.create.title')}</h2>
      <ClassForm
        key={formKey}
        initial={{ name: '', grade: '', academicYear: academicYearOf(new Date()) }}
        submitLabel={t('classes.create.submit')}
        isPending={create.isPending}
        error={create.error}
        onSubmit={(request) =>
          create.mutate(request, {
            onSuccess: (created) => {
              setFormKey((key) => key + 1);
              onCreated(created);
            },
          })
        }
      />
    </section>
  );
}
