// Shown on pages that need an account when nobody is signed in.
import { Notice } from '../components/Status.js';
import { useI18n } from '../i18n/i18n.js';
import { Link, paths, useLocation } from '../router.js';

export function SignInNeeded() {
  const { t } = useI18n();
  const { path, search } = useLocation();
  const here = path + (search.toString() ? `?${search.toString()}` : '');
  return (
    <div className="page page--narrow">
      <Notice>
        <p>{t('auth.needed')}</p>
        <Link className="btn btn--primary btn--small" href={paths.signIn(here)}>
          {t('nav.signIn')}
        </Link>
      </Notice>
    </div>
  );
}
