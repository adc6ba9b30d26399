import type { TCreateInvitationRequest, TInvitationRole } from '@parta/contracts';

export type InvitationDraft = { role: TInvitationRole; classId: string; expiresInDays: string; maxUses: string; requiresApproval: boolean };
export type InvitationDraftProblem = 'expiresInDays' | 'maxUses';

export const defaultExpiryDays = 7;

function wholeNumberIn(text: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(text.trim())) return undefined;
  const value = Number(text.trim());
  return value >= min && value <= max ? value : undefined;
}

/** Mirrors ZCreateInvitationRequest: 1–30 days, 1–1000 uses (empty: the server's default). */
export function checkInvitationDraft(draft: InvitationDraft): { request: TCreateInvitationRequest } | { problem: InvitationDraftProblem } {
  const expiresInDays = wholeNumberIn(draft.expiresInDays, 1, 30);
  if (expiresInDays === undefined) return { problem: 'expiresInDays' };
  const request: TCreateInvitationRequest = { role: draft.role, expiresInDays, requiresApproval: draft.requiresApproval };
  if (draft.maxUses.trim() !== '') {
    const maxUses = wholeNumberIn(draft.maxUses, 1, 1000);
    if (maxUses === undefined) return { problem: 'maxUses' };
    request.maxUses = maxUses;
  }
  if (draft.classId !== '') request.classId = draft.classId;
  return { request };
}
