// The console's frame: the left navigation (pages, who is signed in, the
// language, sign out) and the page beside it.
import type { ReactNode } from 'react';
import { useI18n, LANGS, type Lang } from '../i18n/i18n.js';
import { BASE, Link, paths, useLocation } from '../router.js';
import { useSession } from '../session.js';

const LANG_NAMES: Record<Lang, string> = { en: 'English', 'zh-CN': '简体中文' };

export function LanguagePicker() {
  const { t, lang, setLang } = useI18n();
  return (
    <label className="lang-picker">
      <span>{t('nav.language')}</span>
      <select value={lang} onChange={(e) => setLang(e.target.value as Lang)} data-testid="language">
        {LANGS.map((l) => (
          <option key={l} value={l}>
            {LANG_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Brand() {
  const { t } = useI18n();
  return (
    <div className="brand">
      <img src={`${BASE}/favicon.svg`} alt="" width={28} height={28} />
      <span className="brand__name">{t('app.name')}</span>
      <span className="brand__sub">{t('app.console')}</span>
    </div>
  );
}

export function Shell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { staff, signOut } = useSession();
  const { path } = useLocation();
  const item = (href: string, label: string, active: boolean) => (
    <li>
      <Link href={href} className={`nav__item${active ? ' nav__item--active' : ''}`} aria-current={active ? 'page' : undefined}>
        {label}
      </Link>
    </li>
  );
  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <aside className="sidebar">
        <Brand />
        <nav aria-label={t('nav.main')}>
          <ul className="nav">
            {staff?.role === 'admin' && item(paths.providers(), t('nav.providers'), path.startsWith('/providers'))}
            {item(paths.live(), t('nav.live'), path.startsWith('/live'))}
            {item(paths.stations(), t('nav.stations'), path.startsWith('/stations'))}
            {item(paths.shows(), t('nav.shows'), path.startsWith('/shows'))}
            {item(paths.tickets(), t('nav.tickets'), path.startsWith('/tickets'))}
            {item(paths.audit(), t('nav.audit'), path.startsWith('/audit'))}
          </ul>
        </nav>
        <div className="sidebar__foot">
          {staff && (
            <div className="who">
              <span className="who__label">{t('nav.signedInAs')}</span>
              <span className="who__name">{staff.email ?? t('nav.adminToken')}</span>
              <span className="who__role">{t(staff.role === 'admin' ? 'role.admin' : 'role.venue')}</span>
            </div>
          )}
          <LanguagePicker />
          <button type="button" className="btn btn--ghost btn--block" onClick={signOut}>
            {t('nav.signOut')}
          </button>
        </div>
      </aside>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
