// Signing in: a staff account's e-mail and password, or (to set the server
// up, and to make the first staff accounts) the admin token itself.
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.js';
import { Brand, LanguagePicker } from '../components/Shell.js';
import { ErrorNotice, Notice } from '../components/Status.js';
import { useI18n } from '../i18n/i18n.js';
import { useSession, whoIs } from '../session.js';
import { Field } from '../components/Field.js';
import { SubmitButton } from '../../../ui-kit/SubmitButton.js';

/** A sign-in failure in the words of the form it came from. */
function SignInError({ error, form }: { error: unknown; form: 'staff' | 'admin' }) {
  const { t } = useI18n();
  if (error instanceof ApiError && error.status === 401) return <Notice kind="error">{t(form === 'staff' ? 'signIn.badCredentials' : 'signIn.badToken')}</Notice>;
  if (form === 'staff' && error instanceof ApiError && error.status === 404 && error.reason === 'not_found') return <Notice kind="error">{t('signIn.noStaff')}</Notice>;
  return <ErrorNotice error={error} />;
}

export function SignInPage() {
  const { t } = useI18n();
  const { signIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [adminToken, setAdminToken] = useState('');
  const [busy, setBusy] = useState<'staff' | 'admin' | null>(null);
  const [failure, setFailure] = useState<{ form: 'staff' | 'admin'; error: unknown } | null>(null);

  const submitStaff = async (e: FormEvent) => {
    e.preventDefault();
    setBusy('staff');
    setFailure(null);
    try {
      const { token, staff } = await api.staffSignIn(email.trim(), password);
      signIn(token, staff);
    } catch (error) {
      setFailure({ form: 'staff', error });
      setBusy(null);
    }
  };

  const submitAdmin = async (e: FormEvent) => {
    e.preventDefault();
    const token = adminToken.trim();
    setBusy('admin');
    setFailure(null);
    try {
      signIn(token, await whoIs(token));
    } catch (error) {
      setFailure({ form: 'admin', error });
      setBusy(null);
    }
  };

  return (
    <div className="signin">
      <div className="signin__top">
        <Brand />
        <LanguagePicker />
      </div>
      <main id="main" className="signin__card">
        <h1>{t('signIn.title')}</h1>
        <p className="muted">{t('signIn.lead')}</p>
        <form className="form" onSubmit={(e) => void submitStaff(e)} data-testid="staff-sign-in">
          <Field label={t('signIn.email')}>
            <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </Field>
          <Field label={t('signIn.password')}>
            <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          </Field>
          {failure?.form === 'staff' && <SignInError error={failure.error} form="staff" />}
          <SubmitButton className="btn btn--primary" working={busy === 'staff'} workingLabel={t('signIn.busy')} disabled={busy !== null}>
            {t('signIn.submit')}
          </SubmitButton>
        </form>
        <details className="signin__admin" open={failure?.form === 'admin' || undefined}>
          <summary>{t('signIn.admin')}</summary>
          <form className="form" onSubmit={(e) => void submitAdmin(e)} data-testid="admin-sign-in">
            <p className="field__hint">{t('signIn.adminHint')}</p>
            <Field label={t('signIn.adminToken')}>
              <input type="password" autoComplete="off" spellCheck={false} required value={adminToken} onChange={(e) => setAdminToken(e.target.value)} />
            </Field>
            {failure?.form === 'admin' && <SignInError error={failure.error} form="admin" />}
            <SubmitButton className="btn" working={busy === 'admin'} workingLabel={t('signIn.busy')} disabled={busy !== null}>
              {t('signIn.adminSubmit')}
            </SubmitButton>
          </form>
        </details>
      </main>
    </div>
  );
}
