import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { isApiError } from '../../platform/api';
import { formatDateTime } from '../../platform/i18n/format';
import { usePageTitle } from '../../platform/i18n/use-page-title';
import { useMe } from '../../platform/session/use-me';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { QueryStatus } from '../../ui/QueryStatus';
import { formatCallDuration } from '../chats/chat-labels';
import { useCalls } from './CallProvider';
import { useLessonStatus } from './ClassLessons';
import { fetchLesson, lessonQueryKey } from './lessons-api';

/** /lessons/:lessonId — the lesson's link: when it is, start it (its teacher) or join it; its attendance for staff once ended. */
export function LessonPage() {
  const { t, i18n } = useTranslation();
  const { lessonId = '' } = useParams();
  const me = useMe();
  const { active, join, startLesson, error } = useCalls();
  const lesson = useQuery({ queryKey: lessonQueryKey(lessonId), queryFn: ({ signal }) => fetchLesson(lessonId, signal), refetchInterval: 15_000 });
  const statusOf = useLessonStatus();
  const data = lesson.data;
  usePageTitle(data?.title ?? t('lessons.title'));
  if (!data) {
    return (
      <section className="card" aria-labelledby="lesson-title">
        <h2 id="lesson-title">{t('lessons.title')}</h2>
        {isApiError(lesson.error) && lesson.error.status === 404 ? <p>{t('lessons.notFound')}</p> : <QueryStatus query={lesson} />}
      </section>
    );
  }
  const isTeacher = data.teacher.id === me.id;
  const inIt = active !== null && active.call.lessonId === data.id;
  return (
    <section className="card lesson-page" aria-labelledby="lesson-title">
      <h2 id="lesson-title">{data.title}</h2>
      <p>
        {t('lessons.facts', { className: data.className, teacher: data.teacher.displayName })} · {statusOf(data)}
      </p>
      {data.inClassChat && (
        <p>
          <Link to={`/chats/${data.chatId}`}>{t('lessons.openChat')}</Link>
        </p>
      )}
      {error && <Alert>{error}</Alert>}
      {data.status !== 'ended' && !inIt && isTeacher && (
        <Button onClick={() => void startLesson(data.id)}>{data.status === 'live' ? t('lessons.rejoin') : t('lessons.start')}</Button>
      )}
      {data.status === 'live' && data.callId && !inIt && !isTeacher && data.canJoin && <Button onClick={() => void join({ id: data.callId! }, true)}>{t('lessons.join')}</Button>}
      {/* In the class chat and still not let in: the teacher removed them from this lesson. */}
      {data.status !== 'ended' && !isTeacher && !data.canJoin && <p>{t(data.inClassChat ? 'lessons.removed' : 'lessons.notInvited')}</p>}
      {data.status === 'scheduled' && !isTeacher && data.canJoin && <p>{t('lessons.notYet')}</p>}
      {data.attendance && (
        <table className="attendance">
          <caption>{t('lessons.attendance.caption', { present: data.attendance.filter((row) => row.joinedAt).length, total: data.attendance.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('lessons.attendance.who')}</th>
              <th scope="col">{t('lessons.attendance.when')}</th>
              <th scope="col">{t('lessons.attendance.howLong')}</th>
            </tr>
          </thead>
          <tbody>
            {data.attendance.map((row) => (
              <tr key={row.person.id}>
                <td>{row.person.displayName}</td>
                <td>{row.joinedAt ? formatDateTime(new Date(row.joinedAt), i18n.language) : t('lessons.attendance.absent')}</td>
                <td>{row.joinedAt ? formatCallDuration(row.seconds, t) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
