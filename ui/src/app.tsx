// The shell: a skip link, a header with the language switch and sign-out, the navigation of the
// signed-in role (admin center or voice mail), and the page the path names.
import type { ReactElement } from 'react';
import { adminRoutes } from './pages/admin/routes.js';
import { SignInPage } from './pages/sign-in.js';
import { publicRoutes, userRoutes } from './pages/user/routes.js';
import { Loading } from './components/status.js';
import { LANGUAGES, useI18n, type Key, type Lang } from './i18n/index.js';
import { Link, match, navigate, useLocation } from './router.js';
import { useSession } from './session.js';

interface Route {
  path: string;
  label?: Key;
  render: (params: Record<string, string>) => ReactElement;
}

function find(routes: Route[], path: string): ReactElement | null {
  for (const r of routes) {
    const params = match(r.path, path);
    if (params) return r.render(params);
  }
  return null;
}

function Header({ nav }: { nav: Route[] }) {
  const { t, lang, setLang } = useI18n();
  const { session, signOut } = useSession();
  return (
    <header className="top">
      <a className="skip" href="#main">{t('app.skip')}</a>
      <span className="brand">{t('app.name')}{session ? ` · ${t(session.kind === 'admin' ? 'app.adminCenter' : 'app.voiceMail')}` : ''}</span>
      {nav.length > 0 && (
        <nav aria-label={t(session?.kind === 'admin' ? 'app.adminCenter' : 'app.voiceMail')}>
          <ul>{nav.filter((r) => r.label).map((r) => <li key={r.path}><Link to={r.path}>{t(r.label as Key)}</Link></li>)}</ul>
        </nav>
      )}
      <span className="tools">
        <label className="inline">{t('app.language')}{' '}
          <select value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
            {LANGUAGES.map((l) => <option key={l.code} value={l.code} lang={l.code}>{l.name}</option>)}
          </select>
        </label>
        {session && <>
          <span className="who">{session.displayName || session.name}</span>
          <button type="button" onClick={() => { void signOut().then(() => navigate('/signin')); }}>{t('app.signOut')}</button>
          <button type="button" className="secondary" onClick={() => { void signOut(true).then(() => navigate('/signin')); }}>{t('app.signOutEverywhere')}</button>
        </>}
      </span>
    </header>
  );
}

export function App() {
  const { t } = useI18n();
  const { session } = useSession();
  const { path } = useLocation();

  const open = find(publicRoutes, path);
  if (open) return <><Header nav={[]} />{open}</>;
  if (session === undefined) return <Loading />;
  if (session === null) {
    if (path !== '/signin') navigate('/signin', { replace: true });
    return <><Header nav={[]} /><SignInPage /></>;
  }
  const routes: Route[] = session.kind === 'admin' ? adminRoutes : userRoutes;
  const home = routes[0]?.path ?? '/';
  if (path === '/' || path === '/signin' || path === '/admin' || (session.kind === 'admin' ? !path.startsWith('/admin') : path.startsWith('/admin'))) {
    navigate(home, { replace: true });
    return <Loading />;
  }
  const page = find(routes, path);
  return (
    <>
      <Header nav={routes} />
      <main id="main" tabIndex={-1}>{page ?? <p>{t('app.notFound')}</p>}</main>
    </>
  );
}
