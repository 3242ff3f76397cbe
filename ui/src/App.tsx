import { useCallback, useEffect, useState } from 'react';
import { ApiClient, ApiError } from './api/client';
import type { ClientMe, InstanceList } from './api/types';
import { dropPrefetchedInstances, earlyResponse, prefetchInstances } from './api/prefetch';
import { clearToken, loadToken, saveToken, type Session } from './api/session';
import { prepareList } from './state/listBuild';
import { parseQuery } from './state/tableView';
import { FleetPage } from './components/FleetPage';
import { SignIn } from './components/SignIn';

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => loadToken() !== null);
  const [notice, setNotice] = useState<string | null>(null);

  // A token saved in this tab earlier: validate it again before using it.
  useEffect(() => {
    const token = loadToken();
    if (!token) return;
    const abort = new AbortController();
    const client = new ApiClient({ token });
    prefetchInstances(token, () => {
      const early = earlyResponse(token, 'list');
      const list = early ? client.readResponse<InstanceList>(early) : client.instances();
      // Rows sorted for the query in the URL now; if it has changed by the time the table shows, it sorts again.
      return list.then((l) => prepareList(l, { query: parseQuery(window.location.search) }));
    });
    const earlyMe = earlyResponse(token, 'me');
    (earlyMe ? client.readResponse<ClientMe>(earlyMe) : client.me(abort.signal))
      .then((me) => {
        if (!abort.signal.aborted) setSession({ token, clientId: me.client_id, name: me.name || me.client_id });
      })
      .catch((e) => {
        if (abort.signal.aborted) return;
        dropPrefetchedInstances();
        if (e instanceof ApiError && e.status === 401) {
          clearToken();
          setNotice('Your saved sign-in is no longer valid. Sign in again.');
        } else {
          setNotice('The control plane could not be reached. Sign in again once it is back.');
        }
      })
      .finally(() => !abort.signal.aborted && setRestoring(false));
    return () => abort.abort();
  }, []);

  const signedIn = useCallback((s: Session) => {
    saveToken(s.token);
    setNotice(null);
    setRestoring(false);
    setSession(s);
  }, []);

  const signOut = useCallback(() => {
    clearToken();
    setSession(null);
  }, []);

  const unauthorized = useCallback(() => {
    clearToken();
    setSession(null);
    setNotice('Your token was rejected by the control plane. Sign in again.');
  }, []);

  if (restoring && !session) {
    return (
      <main className="signin" id="main">
        <p className="muted loading" role="status">
          <span className="spinner" aria-hidden="true" /> Signing in…
        </p>
      </main>
    );
  }
  if (!session) return <SignIn onSignedIn={signedIn} notice={notice} />;
  return <FleetPage key={session.token} session={session} onSignOut={signOut} onUnauthorized={unauthorized} />;
}
