// The PNG ticket image: an SVG composed here (text as cached glyph outlines, the QR as
// one path of integer-pixel modules) and rasterised by resvg.
import { Resvg, renderAsync } from '@resvg/resvg-js';
import { glyph } from './font.js';
import type { TicketInfo } from '../../../common/ticket-info.js';
import { serverZone } from '../../providers/venue-zone.js';
import { encodePng, encodePngAsync } from './png.js';
import { QUIET_ZONE, qrMatrix, qrPathData } from './qr.js';
import { clean, ellipsize, fit, measure, TextLayer, wrap, type Fitted, type Style } from './text-layout.js';

/** What a ticket image shows: the QR's text and the ticket's words and times. */
export interface TicketImage extends TicketInfo {
  /** the text of the QR code (a GP1 payload) */
  payload: string;
  ticketId: string;
}

export type TicketLocale = 'en' | 'zh-CN';

export interface TicketRenderOptions {
  locale: TicketLocale;
  /** IANA zone for the times shown; default the server's zone */
  timeZone?: string;
  /** the name over the title; default the ticket's venue, whose ticket it is */
  brand?: string;
}

/** The words of a ticket in one locale and time zone, as drawn on the image. */
export interface TicketText {
  brand: string;
  admit: string;
  labels: { venue: string; hall: string; seat: string; starts: string; valid: string; ticket: string };
  startsDate: string;
  startsTime: string;
  /** short zone name, e.g. GMT+1 */
  zone: string;
  /** "Valid from … until … (GMT+1)" / "有效期 … 至 …（GMT+8）" */
  validity: string;
  /** the same in two halves, where it breaks when one line is not enough */
  validityLines: [string, string];
  hint: string;
}

const STRINGS = {
  en: {
    admit: 'ADMIT ONE',
    labels: { venue: 'VENUE', hall: 'HALL', seat: 'SEAT', starts: 'STARTS', valid: 'VALID', ticket: 'TICKET' },
    hint: 'Show this code at the gate. Turn the screen brightness up.',
  },
  'zh-CN': {
    admit: '电子票',
    labels: { venue: '影院', hall: '影厅', seat: '座位', starts: '开映', valid: '有效期', ticket: '票号' },
    hint: '入场时请向检票员出示此码，并调高屏幕亮度',
  },
} as const;

// ---- text of the ticket

interface Formatters {
  date: Intl.DateTimeFormat;
  time: Intl.DateTimeFormat;
  zone: Intl.DateTimeFormat;
  day: Intl.DateTimeFormat;
}
const formatters = new Map<string, Formatters>();

function formattersFor(locale: TicketLocale, timeZone: string): Formatters {
  const k = `${locale}|${timeZone}`;
  let f = formatters.get(k);
  if (!f) {
    f = {
      date: new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' }),
      time: new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
      zone: new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'shortOffset' }),
      day: new Intl.DateTimeFormat('en', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
    };
    formatters.set(k, f);
  }
  return f;
}

function checkEpoch(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`ticket ${name} is not epoch seconds`);
  return v * 1000;
}

/** The strings a ticket image shows (dates in `opts.timeZone`, default the server's). */
export function ticketText(t: TicketImage, opts: TicketRenderOptions): TicketText {
  const s = STRINGS[opts.locale];
  if (!s) throw new RangeError(`unsupported ticket locale ${String(opts.locale)}`);
  const f = formattersFor(opts.locale, opts.timeZone ?? serverZone());
  const starts = checkEpoch('startsAt', t.startsAt);
  const from = checkEpoch('validFrom', t.validFrom);
  const until = checkEpoch('validUntil', t.validUntil);
  const zoneOf = (ms: number): string => f.zone.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const dateTime = (ms: number): string =>
    opts.locale === 'zh-CN' ? `${f.date.format(ms)} ${f.time.format(ms)}` : `${f.date.format(ms)}, ${f.time.format(ms)}`;
  const fromZone = zoneOf(from);
  const untilZone = zoneOf(until);
  const sameDay = f.day.format(from) === f.day.format(until);
  // The end as a time only when it is the same day; the zone once, unless DST changes it.
  const untilText = sameDay && fromZone === untilZone ? f.time.format(until) : dateTime(until);
  const zh = opts.locale === 'zh-CN';
  const fromPart = fromZone === untilZone ? dateTime(from) : zh ? `${dateTime(from)}（${fromZone}）` : `${dateTime(from)} (${fromZone})`;
  const validityLines: [string, string] = zh
    ? [`有效期 ${fromPart}`, `至 ${untilText}（${untilZone}）`]
    : [`Valid from ${fromPart}`, `until ${untilText} (${untilZone})`];
  return {
    brand: clean(opts.brand ?? t.venue),
    admit: s.admit,
    labels: { ...s.labels },
    startsDate: f.date.format(starts),
    startsTime: f.time.format(starts),
    zone: zoneOf(starts),
    validity: validityLines.join(' '),
    validityLines,
    hint: s.hint,
  };
}


export const TICKET_WIDTH = 1080;
export const TICKET_HEIGHT = 1760;

const C = {
  page: '#e9ebf0',
  ink: '#111318',
  header: '#14161d',
  header2: '#262a36',
  accent: '#f2b33d',
  muted: '#6b7280',
  faint: '#9ca3af',
  rule: '#e5e7eb',
  headerText: '#ffffff',
};

/** The ticket as an SVG document (the PNG is this, rasterised). */
export function renderTicketSvg(t: TicketImage, opts: TicketRenderOptions): string {
  const text = ticketText(t, opts);
  const zh = opts.locale === 'zh-CN';
  const W = TICKET_WIDTH;
  const H = TICKET_HEIGHT;
  const M = 44; // page margin
  const cardX = M;
  const cardW = W - 2 * M;
  const cardY = M;
  const cardH = H - 2 * M;
  const padX = 76; // inside the card
  const innerW = cardW - 2 * padX;
  const left = cardX + padX;
  const right = cardX + cardW - padX;
  const headerH = 356;
  const tl = new TextLayer();
  const labelSt: Style = { size: zh ? 26 : 22, weight: 700, tracking: zh ? 2 : 3 };

  // header band: brand, admit badge, title
  const admitSt: Style = { size: 22, weight: 700, tracking: zh ? 1 : 3 };
  const admitW = measure(text.admit, admitSt) + 40;
  const brandSt: Style = { size: 26, weight: 700, tracking: zh ? 3 : 6 };
  tl.add(ellipsize(text.brand, brandSt, innerW - admitW - 32), left, cardY + 84, brandSt, C.accent);
  tl.add(text.admit, right - admitW / 2, cardY + 82, admitSt, C.accent, 'middle');
  const titleTop = cardY + 124;
  const titleBlock = headerH - 124 - 44;
  const title = fit(clean(t.title) || '—', 700, [72, 64, 56, 50, 44, 40], innerW, (size) => Math.floor(titleBlock / (size * 1.22)));
  const lh = title.size * 1.22;
  // centre the block in the band below the brand row
  const firstBaseline = titleTop + (titleBlock - lh * title.lines.length) / 2 + title.size * 0.98;
  title.lines.forEach((line, i) => tl.add(line, left, firstBaseline + i * lh, { size: title.size, weight: 700 }, C.headerText));

  // info rows
  let y = cardY + headerH + 66;
  const valueSt = (size: number): Style => ({ size, weight: 700 });
  const field = (label: string, value: string, x: number, width: number, sizes: number[]): void => {
    tl.add(label, x, y, labelSt, C.muted);
    const v = fit(clean(value) || '—', 700, sizes, width, 1);
    tl.add(v.lines[0] ?? '', x, y + 56, valueSt(v.size), C.ink);
  };
  field(text.labels.venue, t.venue, left, innerW, [42, 38, 34, 30, 26]);
  y += 120;
  const colW = (innerW - 40) / 2;
  field(text.labels.hall, t.hall, left, colW, [42, 38, 34, 30, 26]);
  field(text.labels.seat, t.seat, left + colW + 40, colW, [42, 38, 34, 30, 26]);
  y += 120;
  // starts: the time large, then the date and zone
  tl.add(text.labels.starts, left, y, labelSt, C.muted);
  const timeSt: Style = { size: 64, weight: 700 };
  tl.add(text.startsTime, left, y + 72, timeSt, C.ink);
  const timeW = measure(text.startsTime, timeSt);
  const dateX = left + timeW + 28;
  const date = fit(text.startsDate, 700, [34, 30, 26], right - dateX, 1);
  tl.add(date.lines[0] ?? '', dateX, y + 40, valueSt(date.size), C.ink);
  tl.add(text.zone, dateX, y + 76, { size: 26, weight: 400 }, C.muted);

  // tear line
  const tearY = y + 132;

  // bottom up: hint, ticket number, validity; the QR takes the space between
  const hintY = cardY + cardH - 44;
  const hint = fit(text.hint, 400, [24, 22, 20], innerW, 1);
  tl.add(hint.lines[0] ?? '', W / 2, hintY, { size: hint.size, weight: 400 }, C.faint, 'middle');
  const idY = hintY - 50;
  const idSt: Style = { size: 24, weight: 400, tracking: 1 };
  tl.add(`${text.labels.ticket}  ${ellipsize(clean(t.ticketId), idSt, innerW - 120)}`, W / 2, idY, idSt, C.muted, 'middle');
  // one line when it fits, else broken before "until" / "至" (each half wrapped if need be)
  const vSt = (size: number): Style => ({ size, weight: 400 });
  let validity: Fitted | undefined;
  for (const size of [32, 30, 28]) {
    if (measure(text.validity, vSt(size)) <= innerW) {
      validity = { size, lines: [text.validity] };
      break;
    }
  }
  if (!validity) {
    for (const size of [32, 30, 28, 26, 24]) {
      const lines = text.validityLines.flatMap((half) => wrap(half, vSt(size), innerW));
      validity = { size, lines };
      if (lines.length <= 2) break;
    }
  }
  validity ??= { size: 24, lines: text.validityLines };
  const vlh = Math.round(validity.size * 1.35);
  const vLast = idY - 54;
  const vFirst = vLast - (validity.lines.length - 1) * vlh;
  validity.lines.forEach((line, i) => tl.add(line, W / 2, vFirst + i * vlh, { size: validity.size, weight: 400 }, C.ink, 'middle'));

  // QR: whole pixels per module, its quiet zone inside the box
  const m = qrMatrix(t.payload);
  const side = m.size + 2 * QUIET_ZONE;
  const qrTop = tearY + 16;
  const qrAvail = vFirst - validity.size - 8 - qrTop;
  const px = Math.max(2, Math.floor(Math.min(qrAvail, 720) / side));
  const box = side * px;
  const qrX = Math.round((W - box) / 2);
  const qrY = Math.round(qrTop + (qrAvail - box) / 2);
  const qrPath = qrPathData(m, qrX + QUIET_ZONE * px, qrY + QUIET_ZONE * px, px);

  const { defs, body } = tl.toSvg();
  const notchR = 26;
  const R = 36;
  const card = roundedRect(cardX, cardY, cardW, cardH, R);
  // Drawn on a white canvas (resvg's background fill), so only small areas are painted:
  // the page around the card, a shadow strip, the header band, the QR and the glyphs.
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">` +
    `<defs>${defs}<linearGradient id="hdr" x1="0" y1="0" x2="1" y2="1">` +
    `<stop offset="0" stop-color="${C.header}"/><stop offset="1" stop-color="${C.header2}"/></linearGradient></defs>` +
    `<path fill-rule="evenodd" fill="${C.page}" d="M0 0H${W}V${H}H0Z${card}"/>` +
    `<path fill-rule="evenodd" fill="#1b2030" fill-opacity="0.07" d="${roundedRect(cardX, cardY + 8, cardW, cardH, R)}${card}"/>` +
    `<path fill-rule="evenodd" fill="#1b2030" fill-opacity="0.07" d="${roundedRect(cardX, cardY + 3, cardW, cardH, R)}${card}"/>` +
    `<path fill="url(#hdr)" d="M${cardX} ${cardY + headerH}V${cardY + R}A${R} ${R} 0 0 1 ${cardX + R} ${cardY}H${cardX + cardW - R}A${R} ${R} 0 0 1 ${cardX + cardW} ${cardY + R}V${cardY + headerH}Z"/>` +
    `<rect x="${cardX}" y="${cardY + headerH - 8}" width="${cardW}" height="8" fill="${C.accent}"/>` +
    `<rect x="${right - admitW}" y="${cardY + 50}" width="${admitW}" height="46" rx="23" fill="none" stroke="${C.accent}" stroke-width="2"/>` +
    `<path d="M${left} ${cardY + headerH + 66 + 120 - 44}H${right}M${left} ${cardY + headerH + 66 + 240 - 44}H${right}" stroke="${C.rule}" stroke-width="2"/>` +
    // perforation: notches in the card edge and a dashed tear line
    `<circle cx="${cardX}" cy="${tearY}" r="${notchR}" fill="${C.page}"/>` +
    `<circle cx="${cardX + cardW}" cy="${tearY}" r="${notchR}" fill="${C.page}"/>` +
    `<path d="M${cardX + notchR + 16} ${tearY}H${cardX + cardW - notchR - 16}" stroke="#c9cdd6" stroke-width="3" stroke-dasharray="14 12" stroke-linecap="round"/>` +
    `<path fill="#000" shape-rendering="crispEdges" d="${qrPath}"/>` +
    body +
    `</svg>`
  );
}

function roundedRect(x: number, y: number, w: number, h: number, r: number): string {
  return (
    `M${x + r} ${y}H${x + w - r}A${r} ${r} 0 0 1 ${x + w} ${y + r}V${y + h - r}A${r} ${r} 0 0 1 ${x + w - r} ${y + h}` +
    `H${x + r}A${r} ${r} 0 0 1 ${x} ${y + h - r}V${y + r}A${r} ${r} 0 0 1 ${x + r} ${y}Z`
  );
}

// No fonts here: the text is already outlines, and resvg without fonts starts in µs.
const RESVG_OPTIONS = { font: { loadSystemFonts: false }, background: '#ffffff', logLevel: 'off' } as const;

/**
 * The PNG ticket image (1080×1760): QR code, title, venue, hall, seat, start time and
 * the validity period in words, in `opts.locale`, times in `opts.timeZone` (default
 * the server's zone) with the zone named. The SVG is built on the calling thread;
 * rasterising and compressing run on the libuv thread pool.
 */
export async function renderTicketPng(t: TicketImage, opts: TicketRenderOptions = { locale: 'en' }): Promise<Buffer> {
  const svg = renderTicketSvg(t, opts);
  const img = await renderAsync(svg, RESVG_OPTIONS);
  return encodePngAsync(img.pixels, img.width, img.height);
}

/** renderTicketPng on the calling thread only. */
export function renderTicketPngSync(t: TicketImage, opts: TicketRenderOptions = { locale: 'en' }): Buffer {
  const img = new Resvg(renderTicketSvg(t, opts), RESVG_OPTIONS).render();
  return encodePng(img.pixels, img.width, img.height);
}

/** Loads the fonts and outlines the Latin letters, digits and labels ahead of the first ticket. */
export function warmTicketRenderer(): void {
  let ascii = '';
  for (let c = 0x21; c < 0x7f; c++) ascii += String.fromCharCode(c);
  const labels = Object.values(STRINGS)
    .flatMap((s) => [s.admit, s.hint, ...Object.values(s.labels)])
    .join('');
  const dates = '年月日周一二三四五六至有效期（）…—';
  for (const ch of ascii + labels + dates) {
    glyph(400, ch.codePointAt(0)!);
    glyph(700, ch.codePointAt(0)!);
  }
}
