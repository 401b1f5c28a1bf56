// Ticket rendering for the booking server: the QR SVG and the PNG ticket image.
export { QUIET_ZONE, qrMatrix, qrPathData, qrSvg, type QrMatrix, type QrSvgOptions } from './qr.js';
export {
  TICKET_HEIGHT,
  TICKET_WIDTH,
  renderTicketPng,
  renderTicketPngSync,
  renderTicketSvg,
  ticketText,
  warmTicketRenderer,
  type TicketImage,
  type TicketLocale,
  type TicketRenderOptions,
  type TicketText,
} from './ticket.js';
export { cjkFonts } from './font.js';
