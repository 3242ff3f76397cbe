import { useId, useState, type FormEvent } from 'react';
import { ApiClient, ApiError, describeProblem } from '../api/client';
import type { Session } from '../api/session';

interface Props {
  onSignedIn: (session: Session) => void;
  notice?: string | null;
}

export function SignIn({ onSignedIn, notice }: Props) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const value = token.trim();
    if (!value) {
      setError('Enter your client token.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const me = await new ApiClient({ token: value }).me();
      onSignedIn({ token: value, clientId: me.client_id, name: me.name || me.client_id });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError('That token was not accepted. Check it and try again.');
      else if (err instanceof ApiError) setError(describeProblem(err.problem));
      else setError('Sign-in failed.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="signin" id="main">
      <form className="signin__panel" onSubmit={submit} noValidate aria-busy={busy}>
        <div className="brand brand--large" aria-hidden="true">
          <span className="brand__mark">◆</span> Spot Optimizer
        </div>
        <h1 className="signin__title">Sign in to your fleet</h1>
        {notice && !error && (
          <p className="notice notice--warning" role="status">
            {notice}
          </p>
        )}
        <label htmlFor={inputId} className="field__label">
          Client token
        </label>
        <input
          id={inputId}
          className="input"
          type="password"
          name="client-token"
          autoComplete="off"
          spellCheck={false}
          autoFocus
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-describedby={error ? `${hintId} ${errorId}` : hintId}
          aria-invalid={error ? true : undefined}
          required
        />
        <p id={hintId} className="field__hint">
          The token is kept in this browser tab only. In local mode it is <code>demo-client-token</code>.
        </p>
        {error && (
          <p id={errorId} className="notice notice--danger" role="alert">
            {error}
          </p>
        )}
        <button className="button button--primary button--block" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
