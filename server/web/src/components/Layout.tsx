// The frame of every page: the dark header with the brand, the main
// navigation and the language switch; the content; the footer.
import type { ReactNode } from 'react';
import { LANGS, useI18n, type Lang } from '../i18n/i18n.js';
import { Link, paths, useLocation } from '../router.js';
import { useUnreadCount } from '../hooks.js';
import { useSession } from '../session.js';
import { Svg } from './Panel.js';

const LANG_NAMES: Record<Lang, string> = { en: 'English', 'zh-CN': '中文' };

export function Layout({ children }: { children: ReactNode }) {
  const { t, lang, setLang } = useI18n();
  const session = useSession();
  const { path } = useLocation();
  const unread = useUnreadCount(session.token, path);
  const current = (href: string) => (href === '/' ? path === '/' || path.startsWith('/shows/') : path.startsWith(href)) ? 'page' : undefined;

  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link href={paths.shows()} className="brand" aria-label={t('app.name')}>
            <BrandMark />
            <span className="brand__text">
              <span className="brand__name">{t('app.name')}</span>
              <span className="brand__tagline">{t('app.tagline')}</span>
            </span>
          </Link>
          <div className="lang-switch" role="group" aria-label={t('nav.language')}>
            {LANGS.map((l) => (
              <button key={l} type="button" className="lang-switch__option" aria-pressed={l === lang} lang={l} onClick={() => setLang(l)}>
                {LANG_NAMES[l]}
              </button>
            ))}
          </div>
        </div>
        <nav className="site-nav" aria-label={t('nav.main')}>
          <Link href={paths.shows()} aria-current={current('/')}>
            {t('nav.shows')}
          </Link>
          <Link href={paths.tickets()} aria-current={current('/tickets') ?? current('/orders')}>
            {t('nav.tickets')}
          </Link>
          <Link href={paths.reminders()} aria-current={current('/reminders')}>
            {t('nav.reminders')}
            {unread > 0 && path !== paths.reminders() && (
              <span className="nav-count" aria-label={t('nav.unread', { n: unread })}>
                {unread}
              </span>
            )}
          </Link>
          {session.token ? (
            <button type="button" className="site-nav__action" onClick={session.signOut}>
              {t('nav.signOut')}
            </button>
          ) : (
            <Link href={paths.signIn()} className="site-nav__action" aria-current={current('/signin')}>
              {t('nav.signIn')}
            </Link>
          )}
        </nav>
      </header>
      <main id="main" className="site-main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>{t('app.footer')}</p>
      </footer>
    </>
  );
}

/** The brand mark: a ticket with a perforated stub. */
function BrandMark() {
  return (
    <Svg className="brand__mark" viewBox="0 0 40 40">
      <path
        d="M6 11a3 3 0 0 1 3-3h22a3 3 0 0 1 3 3v4a5 5 0 0 0 0 10v4a3 3 0 0 1-3 3H9a3 3 0 0 1-3-3v-4a5 5 0 0 0 0-10z"
        fill="currentColor"
      />
      <path d="M25 10v20" stroke="#17121c" strokeWidth="2" strokeDasharray="2.5 2.5" />
      <path d="m14.5 15.5 1.6 3.3 3.6.5-2.6 2.5.6 3.6-3.2-1.7-3.2 1.7.6-3.6-2.6-2.5 3.6-.5z" fill="#17121c" />
    </Svg>
  );
}
