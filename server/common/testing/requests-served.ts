// Test and benchmark support: how many requests a server says it answered on
// each route, from its own /metrics (gatepost_http_requests_total, every method
// and status summed). Signed, for a provider.
import { signedClient } from './signed-client.js';

/** One scrape of a provider's metrics: the count for any route, read from it. */
export async function providerRequestsServed(url: string, secret: string): Promise<(route: string) => number> {
  const lines = (await signedClient(url, secret).get('/metrics')).text.split('\n').filter((l) => l.startsWith('gatepost_http_requests_total{'));
  return (route) => lines.filter((l) => l.includes(`route="${route}"`)).reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}
