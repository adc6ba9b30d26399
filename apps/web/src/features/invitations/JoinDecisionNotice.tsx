import type { TEventPayload } from '@parta/contracts';
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRealtime } from '../../platform/realtime/RealtimeProvider';
import { Button } from '../../ui/Button';

type Decision = TEventPayload<'joinRequest.decided'>;

function describeDecision({ status, organizationName: organization, className }: Decision, t: TFunction): string {
  if (className === null) return status === 'accepted' ? t('joinDecision.accepted', { organization }) : t('joinDecision.declined', { organization });
  return status === 'accepted' ? t('joinDecision.acceptedClass', { organization, className }) : t('joinDecision.declinedClass', { organization, className });
}

/**
 * «Вашу заявку в «Школа № 5» приняли» / «отклонили», when the decision arrives while the person
 * is in the app. A polite live region: announced without taking focus from what they are doing.
 */
export function JoinDecisionNotice() {
  const { t } = useTranslation();
  const { onEvent } = useRealtime();
  const [decision, setDecision] = useState<Decision | null>(null);

  useEffect(() => onEvent('joinRequest.decided', setDecision), [onEvent]);

  return (
    <div className="join-decision" role="status">
      {decision && (
        <div className={`alert ${decision.status === 'accepted' ? 'alert--success' : 'alert--info'} join-decision__alert`}>
          <p>{describeDecision(decision, t)}</p>
          <Button variant="quiet" onClick={() => setDecision(null)}>
            {t('joinDecision.dismiss')}
          </Button>
        </div>
      )}
    </div>
  );
}
