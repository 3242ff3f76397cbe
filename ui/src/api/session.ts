// The client token lives in sessionStorage only (gone when the tab closes) and never in a URL.

const TOKEN_KEY = 'spot-optimizer.client-token';

export interface Session {
  token: string;
  clientId: string;
  name: string;
}

export function loadToken(storage: Storage | undefined = safeSessionStorage()): string | null {
  try {
    return storage?.getItem(TOKEN_KEY) ?? null;
  } catch {
    return null;
  }
}

export function saveToken(token: string, storage: Storage | undefined = safeSessionStorage()): void {
  try {
    storage?.setItem(TOKEN_KEY, token);
  } catch {
    // Storage disabled: the session lasts as long as the page.
  }
}

export function clearToken(storage: Storage | undefined = safeSessionStorage()): void {
  try {
    storage?.removeItem(TOKEN_KEY);
  } catch {
    // ignore
  }
}

function safeSessionStorage(): Storage | undefined {
  try {
    return typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
  } catch {
    return undefined;
  }
}
