import { Alert } from './Alert';
import type { NoticeHandle } from './use-notice';

/** Shows the message of useNotice(), if any. */
export function Notice({ notice }: { notice: NoticeHandle }) {
  if (!notice.state) return null;
  return (
    <Alert key={notice.state.serial} tone={notice.state.tone} ref={notice.ref}>
      {notice.state.text}
    </Alert>
  );
}
