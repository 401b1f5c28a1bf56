// The page: language and session around the layout, and the route's page in it.
import { useEffect, useRef } from 'react';
import { Layout } from './components/Layout.js';
import { Notice } from './components/Status.js';
import type { MessageKey } from './i18n/en.js';
import { I18nProvider, useI18n } from './i18n/i18n.js';
import { AuthPage } from './pages/AuthPage.js';
import { OrderPage } from './pages/OrderPage.js';
import { RemindersPage } from './pages/RemindersPage.js';
import { SeatsPage } from './pages/SeatsPage.js';
import { SharedPage } from './pages/SharedPage.js';
import { ShowsPage } from './pages/ShowsPage.js';
import { TicketsPage } from './pages/TicketsPage.js';
import { Link, match, paths, useLocation, type Route } from './router.js';
import { pageFor, type Pages } from '../../ui-kit/router.js';
import { SessionProvider } from './session.js';

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <Layout>
          <Page />
        </Layout>
      </SessionProvider>
    </I18nProvider>
  );
}

const TITLES: Record<Route['name'], MessageKey> = {
  shows: 'shows.title',
  seats: 'seats.title',
  order: 'tickets.title',
  tickets: 'tickets.title',
  shared: 'shared.title',
  signin: 'auth.signIn',
  reminders: 'reminders.title',
  notFound: 'notFound.title',
};

function Page() {
  const { t } = useI18n();
  const { path } = useLocation();
  const route = match(path);
  const first = useRef(true);
  // Each page has its own title: screen readers announce it, tabs and history show it.
  useEffect(() => {
    document.title = `${t(TITLES[route.name])} · ${t('app.name')}`;
  }, [t, route.name]);
  // After a client-side navigation, move focus to the content so screen readers start there.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);
  return pageFor(PAGES, route);
}

const PAGES: Pages<Route> = {
  shows: () => <ShowsPage />,
  seats: (route) => <SeatsPage key={`${route.providerId}/${route.showId}`} providerId={route.providerId} showId={route.showId} />,
  order: (route) => <OrderPage key={route.orderId} orderId={route.orderId} />,
  tickets: () => <TicketsPage />,
  shared: (route) => <SharedPage key={route.token} token={route.token} />,
  signin: () => <AuthPage />,
  reminders: () => <RemindersPage />,
  notFound: () => <NotFound />,
};

function NotFound() {
  const { t } = useI18n();
  return (
    <div className="page page--narrow">
      <Notice tone="warning">
        <p>
          <strong>{t('notFound.title')}</strong>
        </p>
        <p>{t('notFound.lead')}</p>
        <Link className="btn btn--primary btn--small" href={paths.shows()}>
          {t('nav.shows')}
        </Link>
      </Notice>
    </div>
  );
}
