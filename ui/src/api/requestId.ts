/** A fresh request id (1-64 of [A-Za-z0-9_-], as the API wants). */
export function newRequestId(prefix = ''): string {
  const id =
    typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function'
      ? crypto.randomUUID()
      : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
  return `${prefix}${id}`.slice(0, 64);
}
