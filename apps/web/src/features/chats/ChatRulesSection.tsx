import type { TOrganizationChatSettings } from '@parta/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldErrorMessage } from '../../platform/api';
import { describeErrorWithDetail } from '../../platform/i18n/describe-error';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { CheckboxField } from '../../ui/CheckboxField';
import { Notice } from '../../ui/Notice';
import { QueryStatus } from '../../ui/QueryStatus';
import { SelectField } from '../../ui/SelectField';
import { useNotice } from '../../ui/use-notice';
import { SectionTitle } from '../organization/SectionTitle';
import { useConsoleOrganization } from '../organization/use-console-organization';
import { chatSettingsQueryKey, fetchChatSettings, updateChatSettings } from './chats-api';

/** Russia's time zones, west to east; the organization's own is offered too if it is another. */
export const russianTimeZones = [
  'Europe/Kaliningrad',
  'Europe/Moscow',
  'Europe/Samara',
  'Asia/Yekaterinburg',
  'Asia/Omsk',
  'Asia/Krasnoyarsk',
  'Asia/Irkutsk',
  'Asia/Yakutsk',
  'Asia/Vladivostok',
  'Asia/Magadan',
  'Asia/Kamchatka',
] as const;

const hours = Array.from({ length: 25 }, (_, hour) => hour);
const hourLabel = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/** «UTC+3» for a zone now (the offset people know it by). */
function utcOffset(timeZone: string): string {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'shortOffset' }).formatToParts(new Date()).find((item) => item.type === 'timeZoneName');
    return part?.value.replace('GMT', 'UTC') ?? '';
  } catch {
    return '';
  }
}

/** The school day must start before it ends (the server says the same). */
export function schoolDayProblem(starts: number, ends: number): 'order' | null {
  return starts < ends ? null : 'order';
}

/**
 * /organization/chat-rules «Правила чатов» (administrators): whether students may write to each
 * other, and the school hours with their time zone — outside them parents' messages reach staff
 * quietly unless marked «Срочно».
 */
export function ChatRulesSection() {
  const { t } = useTranslation();
  const organization = useConsoleOrganization();
  const settings = useQuery({ queryKey: chatSettingsQueryKey(organization.id), queryFn: ({ signal }) => fetchChatSettings(organization.id, signal) });
  return (
    <>
      <SectionTitle title={t('console.sections.chatRules')} />
      <QueryStatus query={settings} />
      {settings.data && <ChatRulesForm organizationId={organization.id} settings={settings.data} />}
    </>
  );
}

function ChatRulesForm({ organizationId, settings }: { organizationId: string; settings: TOrganizationChatSettings }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const notice = useNotice();
  const [studentsMay, setStudentsMay] = useState(settings.studentsMayMessageEachOther);
  const [starts, setStarts] = useState(settings.schoolDayStarts);
  const [ends, setEnds] = useState(settings.schoolDayEnds);
  const [timeZone, setTimeZone] = useState(settings.timeZone);
  const [showProblem, setShowProblem] = useState(false);
  const save = useMutation({
    mutationFn: () => updateChatSettings(organizationId, { studentsMayMessageEachOther: studentsMay, schoolDayStarts: starts, schoolDayEnds: ends, timeZone }),
    onSuccess: (saved) => {
      queryClient.setQueryData(chatSettingsQueryKey(organizationId), saved);
      notice.show(t('chats.rules.saved'));
    },
  });
  const problem = schoolDayProblem(starts, ends);
  const zones: readonly string[] = russianTimeZones.includes(settings.timeZone as (typeof russianTimeZones)[number]) ? russianTimeZones : [settings.timeZone, ...russianTimeZones];
  const serverEndsError = fieldErrorMessage(save.error, 'schoolDayEnds');
  const endsError = showProblem && problem ? t('chats.rules.orderProblem') : serverEndsError;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (problem) {
      setShowProblem(true);
      return;
    }
    setShowProblem(false);
    save.mutate();
  };

  return (
    <form className="form chat-rules" onSubmit={submit} noValidate>
      <Notice notice={notice} />
      <CheckboxField label={t('chats.rules.studentsMay')} hint={t('chats.rules.studentsMayHint')} checked={studentsMay} onChange={(event) => setStudentsMay(event.target.checked)} />
      <fieldset className="form-section">
        <legend className="form-section__legend">{t('chats.rules.schoolDay')}</legend>
        <p className="muted">{t('chats.rules.quietRule')}</p>
        <div className="chat-rules__hours">
          <SelectField label={t('chats.rules.starts')} value={starts} onChange={(event) => setStarts(Number(event.target.value))}>
            {hours.slice(0, 24).map((hour) => (
              <option key={hour} value={hour}>
                {hourLabel(hour)}
              </option>
            ))}
          </SelectField>
          <SelectField label={t('chats.rules.ends')} value={ends} error={endsError} onChange={(event) => setEnds(Number(event.target.value))}>
            {hours.slice(1).map((hour) => (
              <option key={hour} value={hour}>
                {hourLabel(hour)}
              </option>
            ))}
          </SelectField>
        </div>
        <SelectField label={t('chats.rules.timeZone')} value={timeZone} onChange={(event) => setTimeZone(event.target.value)}>
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {`${i18n.exists(`chats.rules.zones.${zone.replace('/', '_')}`) ? t(`chats.rules.zones.${zone.replace('/', '_')}`) : zone} (${utcOffset(zone)})`}
            </option>
          ))}
        </SelectField>
      </fieldset>
      {save.error && !serverEndsError && <Alert>{describeErrorWithDetail(save.error, t)}</Alert>}
      <div className="form__actions">
        <Button type="submit" disabled={save.isPending}>
          {t('common.save')}
        </Button>
        {save.isPending && (
          <span className="form__status" role="status">
            {t('common.saving')}
          </span>
        )}
      </div>
    </form>
  );
}
