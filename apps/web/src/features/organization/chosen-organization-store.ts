/**
 * Which organization a person last worked in on this device. Per person, so two people sharing
 * a computer do not inherit each other's choice; storage failures (privacy modes) are ignored.
 */
const keyFor = (userId: string) => `parta.currentOrganization.${userId}`;

export function readChosenOrganization(storage: Pick<Storage, 'getItem'> | undefined, userId: string): string | null {
  try {
    return storage?.getItem(keyFor(userId)) ?? null;
  } catch {
    return null;
  }
}

export function storeChosenOrganization(storage: Pick<Storage, 'setItem'> | undefined, userId: string, organizationId: string): void {
  try {
    storage?.setItem(keyFor(userId), organizationId);
  } catch {
    // Not remembering the choice only means starting from the first organization next time.
  }
}

export function browserLocalStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
