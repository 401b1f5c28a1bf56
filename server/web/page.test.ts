// The page's pure parts, without a browser: both dictionaries complete, the
// language pick, plurals, the validity wording, routes, error messages.
import { describe, expect, it } from 'vitest';
import { ApiError } from './src/api.js';
import { errorMessage } from './src/errors.js';
import { dayHeading, duration, validityEnds } from './src/format.js';
import { en } from './src/i18n/en.js';
import { detectLang, translator } from './src/i18n/i18n.js';
import { zhCN } from './src/i18n/zh-CN.js';
import { match, paths } from './src/router.js';
import { availability } from './src/pages/ShowsPage.js';

const at = (iso: string) => Date.parse(iso) / 1000;

describe('the booking page', () => {
  it('has every message in both languages, with the same placeholders', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(zhCN[key]), key).toEqual(names(en[key]));
      expect(zhCN[key].trim(), key).not.toBe('');
    }
  });

  it('follows the browser language: any zh variant reads Chinese, everything else English', () => {
    expect(detectLang(['zh-CN', 'en'])).toBe('zh-CN');
    expect(detectLang(['zh-TW'])).toBe('zh-CN');
    expect(detectLang(['en-GB', 'zh-CN'])).toBe('en');
    expect(detectLang(['fr-FR', 'zh'])).toBe('zh-CN');
    expect(detectLang(['de-DE'])).toBe('en');
  });

  it('fills placeholders and picks the singular form by plural rules', () => {
    const t = translator('en', 'en-US');
    expect(t('shows.seatsLeft', { n: 1 })).toBe('1 seat left');
    expect(t('shows.seatsLeft', { n: 12 })).toBe('12 seats left');
    expect(t('checkout.pay', { amount: '¥90.00' })).toBe('Pay ¥90.00 (demo)');
    expect(translator('zh-CN', 'zh-CN')('shows.seatsLeft', { n: 1 })).toBe('余 1 座');
  });

  it('words a validity period: the end without its date on the same day', () => {
    process.env.TZ = 'UTC';
    const from = at('2026-11-28T12:15:00Z');
    expect(validityEnds('en-US', from, at('2026-11-28T15:15:00Z'))).toEqual({ from: 'Sat, Nov 28, 12:15 PM', until: '3:15 PM' });
    expect(validityEnds('en-US', from, at('2026-11-29T01:00:00Z')).until).toBe('Sun, Nov 29, 1:00 AM');
    const zh = validityEnds('zh-CN', from, at('2026-11-28T15:15:00Z'));
    expect(`有效期 ${zh.from} 至 ${zh.until}`).toBe('有效期 11月28日周六 12:15 至 15:15');
    expect(duration('en', 120)).toBe('2 hours');
    expect(duration('zh-CN', 30)).toBe('30分钟');
    expect(dayHeading('en-US', at('2026-11-28T20:00:00Z'), Date.parse('2026-11-28T08:00:00Z'))).toBe('Today');
    expect(dayHeading('zh-CN', at('2026-11-29T20:00:00Z'), Date.parse('2026-11-28T08:00:00Z'))).toBe('明天');
  });

  it('calls a showtime almost full by its own hall’s size, when the venue says it', () => {
    // A 40-seat screening room with 18 left is not almost full; a 2,000-seat hall with 250 left is.
    expect(availability({ seatsFree: 18, seatsTotal: 40 })).toBe('open');
    expect(availability({ seatsFree: 250, seatsTotal: 2000 })).toBe('almostFull');
    expect(availability({ seatsFree: 5, seatsTotal: 20 })).toBe('almostFull');
    expect(availability({ seatsFree: 0, seatsTotal: 20 })).toBe('soldOut');
    // A venue's server that does not say: a typical hall of 120.
    expect(availability({ seatsFree: 18 })).toBe('almostFull');
    expect(availability({ seatsFree: 19 })).toBe('open');
  });

  it('routes every client path, and builds the links it routes', () => {
    expect(match('/')).toEqual({ name: 'shows' });
    expect(match(paths.seats('p_1', 'demo 2', ['A1']).split('?')[0]!)).toEqual({ name: 'seats', providerId: 'p_1', showId: 'demo 2' });
    expect(match('/t/abc_DEF-123')).toEqual({ name: 'shared', token: 'abc_DEF-123' });
    expect(match('/orders/o_1/')).toEqual({ name: 'order', orderId: 'o_1' });
    expect(match('/tickets')).toEqual({ name: 'tickets' });
    expect(match('/nope')).toEqual({ name: 'notFound' });
  });

  it('maps error reasons to sentences and never shows the server message', () => {
    const t = translator('en', 'en-US');
    expect(errorMessage(t, new ApiError(409, 'seat_taken', 'raw server text'))).toMatch(/^Sorry, one of your seats was just taken/);
    expect(errorMessage(t, new ApiError(0, 'network', 'x'))).toMatch(/can't reach Gatepost/);
    expect(errorMessage(t, new ApiError(500, 'some_new_reason', '{"stack":"…"}'))).toBe('Something went wrong on our side. Please try again.');
    expect(errorMessage(t, new ApiError(400, 'invalid_json', 'x'))).toBe('Something went wrong. Please try again.');
  });
});
