// Sign in or create an account, then back to where the customer was going
// (`?next=`, same-site paths only).
import { useState, type FormEvent } from 'react';
import { api } from '../api.js';
import { ErrorBlock } from '../components/Status.js';
import { useI18n } from '../i18n/i18n.js';
import { navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { SubmitButton } from '../../../ui-kit/SubmitButton.js';

function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

export function AuthPage() {
  const { t } = useI18n();
  const session = useSession();
  const { search } = useLocation();
  const [mode, setMode] = useState<'signIn' | 'signUp'>(search.get('mode') === 'signup' ? 'signUp' : 'signIn');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [phone, setPhone] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const signUp = mode === 'signUp';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { token } = signUp ? await api.signUp(email.trim(), password, phone.trim() || undefined) : await api.signIn(email.trim(), password);
      session.signIn(token);
      navigate(safeNext(search.get('next')), { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const switchMode = () => {
    setMode(signUp ? 'signIn' : 'signUp');
    setError(undefined);
  };

  return (
    <div className="page page--narrow">
      <section className="panel auth">
        <h1 className="panel__title">{signUp ? t('auth.signUp') : t('auth.signIn')}</h1>
        <p className="panel__lead">{signUp ? t('auth.signUpLead') : t('auth.signInLead')}</p>
        <form onSubmit={(e) => void submit(e)} noValidate={false}>
          <div className="field">
            <label htmlFor="email">{t('auth.email')}</label>
            <input id="email" type="email" autoComplete="email" inputMode="email" required maxLength={254} value={email} onChange={(e) => setEmail(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="password">{t('auth.password')}</label>
            <input
              id="password"
              type="password"
              autoComplete={signUp ? 'new-password' : 'current-password'}
              required
              minLength={signUp ? 8 : undefined}
              maxLength={200}
              aria-describedby={signUp ? 'password-hint' : undefined}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            {signUp && (
              <p id="password-hint" className="field__hint">
                {t('auth.passwordHint')}
              </p>
            )}
          </div>
          {signUp && (
            <div className="field">
              <label htmlFor="phone">{t('auth.phone')}</label>
              <input
                id="phone"
                type="tel"
                autoComplete="tel"
                inputMode="tel"
                pattern="\+?[0-9 ()\-]{5,24}"
                aria-describedby="phone-hint"
                value={phone}
                onChange={(e) => setPhone(e.target.value)}
              />
              <p id="phone-hint" className="field__hint">
                {t('auth.phoneHint')}
              </p>
            </div>
          )}
          {error !== undefined && <ErrorBlock error={error} />}
          <SubmitButton className="btn btn--primary btn--large btn--block" working={busy} workingLabel={t('auth.working')} announce>
            {signUp ? t('auth.signUp') : t('auth.signIn')}
          </SubmitButton>
        </form>
        <button type="button" className="link-button" onClick={switchMode}>
          {signUp ? t('auth.toSignIn') : t('auth.toSignUp')}
        </button>
      </section>
    </div>
  );
}
