import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { endSession } from '../../platform/session/session';
import { signOut, signOutEverywhere } from './auth-api';

/** Signs out here (or on every device), then forgets the person's data on this tab. */
export function useSignOut() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: (scope: 'this-device' | 'everywhere') => (scope === 'everywhere' ? signOutEverywhere() : signOut()),
    onSuccess: () => {
      void navigate('/sign-in', { replace: true });
      endSession(queryClient, window.sessionStorage);
    },
  });
}
