// The one seam to the ticket renderer (server/booking/tickets/image/): the QR SVG and
// the PNG ticket image. Everything else in the booking server calls these, so a
// change of that module's exports is wired here only.
import { qrSvg, renderTicketPng, warmTicketRenderer, type TicketImage, type TicketLocale } from './image/index.js';

export type { TicketLocale };
export const TICKET_LOCALES: readonly TicketLocale[] = ['en', 'zh-CN'];

export function ticketQrSvg(payload: string): string {
  return qrSvg(payload);
}

export function ticketPng(view: TicketImage, locale: TicketLocale, timeZone?: string): Promise<Buffer> {
  return renderTicketPng(view, timeZone ? { locale, timeZone } : { locale });
}

/** Loads fonts and common glyphs ahead of the first ticket image (once per process). */
export function warmRenderer(): void {
  warmTicketRenderer();
}
