// Who is signed in: GET /api/session on load, POST to sign in, DELETE to sign out. The CSRF token
// that comes with the session goes into every change the app sends (api.ts).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken } from './api.js';

export interface Session {
  kind: 'user' | 'admin';
  name: string;
  displayName: string;
  email?: string;
  csrfToken: string;
}

export type SignIn = { email: string; password: string } | { admin: string; password: string } | { token: string };

interface SessionState {
  /** undefined while loading, null when signed out */
  session: Session | null | undefined;
  signIn: (credentials: SignIn) => Promise<Session>;
  /** Takes a session answered by another route (setting a password signs the user in). */
  adopt: (session: Session) => void;
  signOut: (everywhere?: boolean) => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const adopt = useCallback((s: Session | null) => {
    setCsrfToken(s?.csrfToken);
    setSession(s);
  }, []);
  useEffect(() => {
    api<Session>('GET', '/api/session').then(adopt, (e: unknown) => {
      if (!(e instanceof ApiError)) console.error(e);
      adopt(null);
    });
  }, [adopt]);
  const value = useMemo<SessionState>(() => ({
    session,
    adopt,
    signIn: async (credentials) => {
      const s = await api<Session>('POST', '/api/session', credentials);
      adopt(s);
      return s;
    },
    signOut: async (everywhere = false) => {
      try {
        await api('DELETE', everywhere ? '/api/sessions' : '/api/session');
      } finally {
        adopt(null);
      }
    },
  }), [session, adopt]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}
