import type { TClass, TMember } from '@parta/contracts';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../ui/Button';
import { LinkParentDialog } from './LinkParentDialog';
import { MoveStudentDialog } from './MoveStudentDialog';
import { UnlinkParentDialog } from './UnlinkParentDialog';

type StudentActionsProps = { organizationId: string; student: TMember; from: TClass; onDone: (message: string) => void };

/** An administrator's buttons beside a student: «Движение» (transfer, graduation, leaving), «Привязать родителя» and «Отвязать родителя». */
export function StudentActions({ organizationId, student, from, onDone }: StudentActionsProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<'move' | 'link' | 'unlink' | null>(null);
  const moveRef = useRef<HTMLButtonElement>(null);
  const linkRef = useRef<HTMLButtonElement>(null);
  const unlinkRef = useRef<HTMLButtonElement>(null);
  const close = () => setOpen(null);
  const name = student.displayName;
  return (
    <>
      <Button ref={moveRef} variant="secondary" onClick={() => setOpen('move')} aria-label={t('classPage.move.openNamed', { name })}>
        {t('classPage.move.open')}
      </Button>
      <Button ref={linkRef} variant="secondary" onClick={() => setOpen('link')} aria-label={t('classPage.linkParent.openNamed', { name })}>
        {t('classPage.linkParent.open')}
      </Button>
      {student.parents.length > 0 && (
        <Button ref={unlinkRef} variant="secondary" onClick={() => setOpen('unlink')} aria-label={t('classPage.unlinkParent.openNamed', { name })}>
          {t('classPage.unlinkParent.open')}
        </Button>
      )}
      {open === 'move' && <MoveStudentDialog organizationId={organizationId} student={student} from={from} returnFocusRef={moveRef} onClose={close} onDone={onDone} />}
      {open === 'unlink' && <UnlinkParentDialog organizationId={organizationId} student={student} returnFocusRef={unlinkRef} onClose={close} onDone={onDone} />}
      {open === 'link' && <LinkParentDialog organizationId={organizationId} student={student} returnFocusRef={linkRef} onClose={close} onDone={onDone} />}
    </>
  );
}
