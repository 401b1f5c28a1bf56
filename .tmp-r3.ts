import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { renderTicketPng } from './server/booking/tickets/ticket.js';
const base = { payload: 'GP1:' + 'ABC123'.repeat(56), startsAt: 1767209400, validFrom: 1767209400 - 3600, validUntil: 1767209400 + 86400 * 2, ticketId: 'T-' + randomBytes(6).toString('hex') };
await writeFileSync('artifacts/tickets/long-en.png', await renderTicketPng({ ...base, title: 'The Lord of the Rings: The Return of the King — Extended Edition & <Director\'s Cut> "Remastered" in 4K HDR with Dolby Atmos', venue: 'Gatepost Cinema Alexanderplatz Multiplex & Lounge, Berlin-Mitte, Germany', hall: 'Hall 12 (Dolby Cinema, Laser Projection)', seat: 'Row AA, Seat 112 (Wheelchair companion)' }, { locale: 'en', timeZone: 'America/New_York' }));
await writeFileSync('artifacts/tickets/long-zh.png', await renderTicketPng({ ...base, title: '流浪地球3：太阳危机之后的人类远征与希望（导演剪辑版·IMAX 3D 特别放映场，含主创见面会）', venue: '星光国际影城（南京新街口德基广场店七楼）', hall: '巨幕厅', seat: '12排8座' }, { locale: 'zh-CN', timeZone: 'Asia/Shanghai' }));
