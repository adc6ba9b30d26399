import type { TCreateBroadcastRequest } from '@parta/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { CheckboxField } from '../../ui/CheckboxField';
import { RadioGroupField } from '../../ui/RadioGroupField';
import { TextAreaField } from '../../ui/TextAreaField';
import { TextField } from '../../ui/TextField';
import { describeBroadcastError } from './broadcast-labels';
import { broadcastsQueryKey, createBroadcast } from './broadcasts-api';

export type StaffMember = { id: string; displayName: string; verifiedTeacher: boolean };

export const maxSpeakers = 12;

type Errors = Partial<Record<'title' | 'when' | 'speakers', string>>;

/**
 * «Новая трансляция»: a title, a description, now or at a time, and the speakers from the
 * school's staff (the author ticked already). Checked here first, so the person learns what is
 * missing at once; the server checks again.
 */
export function CreateBroadcastForm({ organizationId, staff, authorId, onCancel }: { organizationId: string; staff: readonly StaffMember[]; authorId: string; onCancel: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [timing, setTiming] = useState<'now' | 'later'>('now');
  const [when, setWhen] = useState('');
  const [speakerIds, setSpeakerIds] = useState<readonly string[]>(() => (staff.some((member) => member.id === authorId) ? [authorId] : []));
  const [errors, setErrors] = useState<Errors>({});
  const titleRef = useRef<HTMLInputElement>(null);
  const whenRef = useRef<HTMLInputElement>(null);
  const speakersRef = useRef<HTMLFieldSetElement>(null);
  const create = useMutation({
    mutationFn: (input: TCreateBroadcastRequest) => createBroadcast(organizationId, input),
    onSuccess: (broadcast) => {
      void queryClient.invalidateQueries({ queryKey: broadcastsQueryKey(organizationId) });
      void navigate(`/broadcasts/${broadcast.id}`);
    },
  });

  const validate = (): Errors => {
    const found: Errors = {};
    if (title.trim() === '') found.title = t('broadcasts.create.errors.title');
    if (timing === 'later') {
      if (when === '' || Number.isNaN(new Date(when).getTime())) found.when = t('broadcasts.create.errors.when');
      else if (new Date(when).getTime() <= Date.now()) found.when = t('broadcasts.create.errors.past');
    }
    if (speakerIds.length === 0) found.speakers = t('broadcasts.create.errors.speakers');
    else if (speakerIds.length > maxSpeakers) found.speakers = t('broadcasts.create.errors.tooManySpeakers');
    return found;
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validate();
    setErrors(found);
    // Focus goes to the first field to fix, so keyboard and screen-reader users land on it.
    if (found.title) return titleRef.current?.focus();
    if (found.when) return whenRef.current?.focus();
    if (found.speakers) return speakersRef.current?.querySelector('input')?.focus();
    create.mutate({
      title: title.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
      ...(timing === 'later' ? { scheduledFor: new Date(when).toISOString() } : {}),
      speakerIds: [...speakerIds],
    });
  };

  const toggle = (id: string, isChosen: boolean) => setSpeakerIds((current) => (isChosen ? [...current.filter((other) => other !== id), id] : current.filter((other) => other !== id)));

  return (
    <form className="card form broadcast-form" onSubmit={submit} noValidate aria-labelledby="new-broadcast-title">
      <h2 id="new-broadcast-title">{t('broadcasts.create.title')}</h2>
      <TextField ref={titleRef} label={t('broadcasts.create.name')} value={title} onChange={(event) => setTitle(event.target.value)} maxLength={200} required error={errors.title} />
      <TextAreaField label={t('broadcasts.create.description')} value={description} onChange={(event) => setDescription(event.target.value)} maxLength={2_000} rows={3} />
      <RadioGroupField
        legend={t('broadcasts.create.when')}
        options={[
          { value: 'now', label: t('broadcasts.create.now') },
          { value: 'later', label: t('broadcasts.create.later') },
        ]}
        value={timing}
        onChange={setTiming}
      />
      {timing === 'later' && <TextField ref={whenRef} label={t('broadcasts.create.at')} type="datetime-local" required value={when} onChange={(event) => setWhen(event.target.value)} error={errors.when} />}
      <fieldset ref={speakersRef} className="checkbox-list broadcast-form__speakers" aria-describedby="new-broadcast-speakers-hint" aria-invalid={errors.speakers ? true : undefined}>
        <legend className="field__label">{t('broadcasts.create.speakers')}</legend>
        <p className="field__hint" id="new-broadcast-speakers-hint">
          {t('broadcasts.create.speakersHint')}
        </p>
        {staff.map((member) => (
          <CheckboxField
            key={member.id}
            label={member.verifiedTeacher ? `${member.displayName} (${t('school.verifiedTeacher')})` : member.displayName}
            checked={speakerIds.includes(member.id)}
            onChange={(event) => toggle(member.id, event.target.checked)}
          />
        ))}
        {errors.speakers && (
          <p className="field__error" role="alert">
            {errors.speakers}
          </p>
        )}
      </fieldset>
      {create.error && <Alert>{describeBroadcastError(create.error, t)}</Alert>}
      <div className="toolbar">
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? t('broadcasts.create.submitting') : t('broadcasts.create.submit')}
        </Button>
        <Button variant="secondary" onClick={onCancel} disabled={create.isPending}>
          {t('broadcasts.create.cancel')}
        </Button>
      </div>
    </form>
  );
}
