import { ZCall, ZLesson, ZListLessonsResponse, type TCreateLessonRequest } from '@parta/contracts';
import { api } from '../../platform/api';

export const lessonQueryKey = (lessonId: string) => ['calls', 'lesson', lessonId] as const;
export const classLessonsPrefix = ['calls', 'class-lessons'] as const;
export const classLessonsQueryKey = (classId: string) => [...classLessonsPrefix, classId] as const;

export const createLesson = (classId: string, input: TCreateLessonRequest) => api.post(`/api/classes/${encodeURIComponent(classId)}/lessons`, input, ZLesson);
export const fetchLesson = (lessonId: string, signal?: AbortSignal) => api.get(`/api/lessons/${encodeURIComponent(lessonId)}`, ZLesson, { signal });
export const fetchClassLessons = (classId: string, signal?: AbortSignal) => api.get(`/api/classes/${encodeURIComponent(classId)}/lessons`, ZListLessonsResponse, { signal });
export const startLesson = (lessonId: string, connectionId: string) => api.post(`/api/lessons/${encodeURIComponent(lessonId)}/start`, { connectionId }, ZCall);
