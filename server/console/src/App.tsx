// The console: language and session around the frame, the sign-in page
// until someone is signed in, then the route's page.
import { useEffect } from 'react';
import { Loading, PageHeader } from './components/Status.js';
import { Shell } from './components/Shell.js';
import type { MessageKey } from './i18n/en.js';
import { I18nProvider, useI18n } from './i18n/i18n.js';
import { ProviderFormPage } from './pages/ProviderFormPage.js';
import { ProvidersPage } from './pages/ProvidersPage.js';
import { SignInPage } from './pages/SignInPage.js';
import { ShowsPage } from './pages/ShowsPage.js';
import { StationsPage } from './pages/StationsPage.js';
import { TicketPage } from './pages/TicketPage.js';
import { TicketsPage } from './pages/TicketsPage.js';
import { LivePage } from './pages/LivePage.js';
import { AuditPage } from './pages/AuditPage.js';
import { match, navigate, paths, useLocation, type Route } from './router.js';
import { pageFor, type Pages } from '../../ui-kit/router.js';
import { SessionProvider, useSession } from './session.js';

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <Console />
      </SessionProvider>
    </I18nProvider>
  );
}

const TITLES: Record<Route['name'], MessageKey> = {
  home: 'app.console',
  providers: 'providers.title',
  newProvider: 'provider.newTitle',
  provider: 'providers.title',
  stations: 'stations.title',
  shows: 'shows.title',
  tickets: 'tickets.title',
  ticket: 'tickets.title',
  live: 'live.title',
  audit: 'audit.title',
  notFound: 'notFound.title',
};

function Console() {
  const { t } = useI18n();
  const { token, staff } = useSession();
  const { path, href } = useLocation();
  const route = match(path);
  const signedIn = token !== null;
  useEffect(() => {
    document.title = `${t(signedIn ? TITLES[route.name] : 'signIn.title')} · ${t('app.name')} ${t('app.console')}`;
  }, [t, route.name, signedIn]);
  // The console's front page: the admin starts with the providers; venue staff with the Live page, which
  // opens their first provider's show on now (else the next): what they watch during a show.
  useEffect(() => {
    if (staff && route.name === 'home') navigate(staff.role === 'admin' ? paths.providers() : paths.live(), { replace: true, from: href });
  }, [staff, route.name]);

  if (!token) return <SignInPage />;
  return <Shell>{staff ? <RoutePage route={route} admin={staff.role === 'admin'} /> : <Loading />}</Shell>;
}

const ADMIN_ONLY: readonly Route['name'][] = ['providers', 'newProvider', 'provider'];

const PAGES: Pages<Route> = {
  home: () => <Loading />,
  providers: () => <ProvidersPage />,
  newProvider: () => <ProviderFormPage />,
  provider: (route) => <ProviderFormPage providerId={route.providerId} />,
  stations: () => <StationsPage />,
  shows: () => <ShowsPage />,
  tickets: () => <TicketsPage />,
  ticket: (route) => <TicketPage ticketId={route.ticketId} />,
  live: () => <LivePage />,
  audit: () => <AuditPage />,
  notFound: () => <Lead title="notFound.title" lead="notFound.lead" />,
};

function RoutePage({ route, admin }: { route: Route; admin: boolean }) {
  if (ADMIN_ONLY.includes(route.name) && !admin) return <Lead title="forbidden.title" lead="forbidden.lead" />;
  return pageFor(PAGES, route);
}

/** A page that is only its header: not found, not allowed. */
function Lead({ title, lead }: { title: MessageKey; lead: MessageKey }) {
  const { t } = useI18n();
  return <PageHeader title={t(title)} lead={t(lead)} />;
}
