// Many venues' verification servers for the catalogue benchmark, in one
// process: venue n answers GET /p/n/v1/shows with its programme (`shows`
// showtimes over 60 days, six halls), and on a selling day each answer has
// one more seat sold of one of its first day's shows, as a refresh during a
// rush finds. Run as its own process: the booking server under test shares
// nothing with it but loopback.
// Usage: programme-providers.ts VENUES SHOWS [selling|quiet]
import Fastify from 'fastify';

const [venues = 100, shows = 1800] = process.argv.slice(2, 4).map(Number);
const selling = process.argv[4] !== 'quiet';
const start = Math.floor(Date.now() / 1000 / 86_400) * 86_400 + 86_400 + 10 * 3600;
const perDay = Math.max(1, Math.ceil(shows / 60));
const programmes = Array.from({ length: venues }, (_, v) =>
  Array.from({ length: shows }, (_, s) => {
    const startsAt = start + Math.floor(s / perDay) * 86_400 + (s % perDay) * Math.floor(43_200 / perDay);
    return { showId: `v${v}-s${s}`, title: `Film ${s % 37}`, venue: `Cinema ${v}`, hall: `Hall ${s % 6}`, startsAt, endsAt: startsAt + 7200, priceCents: 1100, currency: 'EUR', seatsFree: 200, seatsTotal: 200 };
  }),
);

const app = Fastify({ logger: false });
app.get<{ Params: { n: string } }>('/p/:n/v1/shows', async (req) => {
  const list = programmes[Number(req.params.n)] ?? [];
  if (selling && list.length > 0) {
    const i = Math.floor(Math.random() * Math.min(perDay, list.length));
    list[i] = { ...list[i]!, seatsFree: Math.max(0, list[i]!.seatsFree - 1) };
  }
  return { shows: list };
});
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as { port: number };
console.log(JSON.stringify({ url: `http://127.0.0.1:${port}` }));
