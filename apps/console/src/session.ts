/**
 * The API key, kept for this browser tab's session only (sessionStorage: gone when the tab closes, never
 * in a URL, a cookie or localStorage). Signing out removes it.
 */
const STORAGE_KEY = 'claim-ledger.console.api-key';

export const session = {
  key: (): string | null => sessionStorage.getItem(STORAGE_KEY),
  signIn: (key: string): void => sessionStorage.setItem(STORAGE_KEY, key),
  signOut: (): void => sessionStorage.removeItem(STORAGE_KEY),
};
