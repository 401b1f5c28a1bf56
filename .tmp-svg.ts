import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { encodeGp1 } from './protocol/gp1.js';
import { renderTicketSvg } from './server/booking/tickets/ticket.js';
const { privateKey } = generateKeyPairSync('ed25519');
const startsAt = 1767209400;
const info = { title: '流浪地球 3', venue: '星光影城（新街口店）', hall: '7号厅 IMAX', seat: '6排12座', startsAt };
const payload = encodeGp1({ providerId: 'p-7f3a2c', code: randomBytes(16).toString('hex'), info, validFrom: startsAt - 3600, validUntil: startsAt + 3 * 3600 }, { keyId: 1, privateKey });
process.stdout.write(renderTicketSvg({ payload, ...info, validFrom: startsAt - 3600, validUntil: startsAt + 3 * 3600, ticketId: 'T-1234' }, { locale: 'zh-CN' }));
