import type { TClass, TLesson, TOrganization } from '@parta/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatDateTime } from '../../platform/i18n/format';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { CheckboxField } from '../../ui/CheckboxField';
import { TextField } from '../../ui/TextField';
import { isStaff } from '../organization/organization-roles';
import { describeCallError } from './call-errors';
import { useCalls } from './CallProvider';
import { classLessonsQueryKey, createLesson, fetchClassLessons } from './lessons-api';

/** «Запланирован на 3 декабря, 10:00», «Идёт», «Завершён». */
export function useLessonStatus() {
  const { t, i18n } = useTranslation();
  return (lesson: TLesson) =>
    lesson.status === 'live'
      ? t('lessons.status.live')
      : lesson.status === 'ended'
        ? t('lessons.status.ended')
        : lesson.scheduledFor
          ? t('lessons.status.scheduledFor', { when: formatDateTime(new Date(lesson.scheduledFor), i18n.language) })
          : t('lessons.status.notStarted');
}

/**
 * A class's video lessons on its page: «Новый урок в один клик» (made and started at once, the
 * class chat gets the link), planning one for later, and the list of its lessons.
 */
export function ClassLessons({ organization, item }: { organization: TOrganization; item: TClass }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { startLesson } = useCalls();
  const statusOf = useLessonStatus();
  const lessons = useQuery({ queryKey: classLessonsQueryKey(item.id), queryFn: ({ signal }) => fetchClassLessons(item.id, signal) });
  const [isPlanning, setPlanning] = useState(false);
  const [title, setTitle] = useState('');
  const [when, setWhen] = useState('');
  const [waitingRoom, setWaitingRoom] = useState(false);
  const create = useMutation({
    mutationFn: async (input: { startNow: boolean }) => {
      const lesson = await createLesson(item.id, {
        title: title.trim() || t('lessons.defaultTitle', { name: item.name }),
        ...(input.startNow ? {} : { scheduledFor: new Date(when).toISOString() }),
        waitingRoom,
      });
      if (input.startNow) await startLesson(lesson.id);
      return lesson;
    },
    onSuccess: () => {
      setPlanning(false);
      setTitle('');
      setWhen('');
      void queryClient.invalidateQueries({ queryKey: classLessonsQueryKey(item.id) });
    },
  });
  if (item.kind !== 'class') return null;
  const canHold = isStaff(organization);
  const plan = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ startNow: false });
  };
  const list = lessons.data?.lessons ?? [];

  return (
    <section className="card class-lessons" aria-labelledby="class-lessons-title">
      <h3 id="class-lessons-title">{t('lessons.title')}</h3>
      {canHold && (
        <div className="toolbar">
          <Button disabled={create.isPending} onClick={() => create.mutate({ startNow: true })}>
            {t('lessons.oneClick')}
          </Button>
          <Button variant="secondary" aria-expanded={isPlanning} onClick={() => setPlanning(!isPlanning)}>
            {t('lessons.plan')}
          </Button>
        </div>
      )}
      {canHold && isPlanning && (
        <form className="lesson-form" onSubmit={plan}>
          <TextField label={t('lessons.form.title')} value={title} onChange={(event) => setTitle(event.target.value)} maxLength={200} placeholder={t('lessons.defaultTitle', { name: item.name })} />
          <TextField label={t('lessons.form.when')} type="datetime-local" required value={when} onChange={(event) => setWhen(event.target.value)} />
          <CheckboxField label={t('lessons.form.waitingRoom')} hint={t('lessons.form.waitingRoomHint')} checked={waitingRoom} onChange={(event) => setWaitingRoom(event.target.checked)} />
          <Button type="submit" disabled={create.isPending}>
            {t('lessons.form.submit')}
          </Button>
        </form>
      )}
      {create.error && <Alert>{describeCallError(create.error, t)}</Alert>}
      {list.length === 0 ? (
        <p>{t('lessons.none')}</p>
      ) : (
        <ul className="lesson-list" aria-label={t('lessons.listLabel')}>
          {list.map((lesson) => (
            <li key={lesson.id}>
              <Link to={`/lessons/${lesson.id}`}>{lesson.title}</Link> · {lesson.teacher.displayName} · {statusOf(lesson)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
