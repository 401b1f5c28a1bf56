// The screen's words in English and Simplified Chinese. "system" follows the
// machine's locale until a language is chosen in settings. Verdict reasons are
// short enough to read at a glance from 3 m; the details line says where and when.
import type { Language } from '../../main/bridge/contract.js';
import type { DenyReason } from '../../protocol/reasons.js';
import type { StationVerdict } from '../../protocol/verdict.js';

export type Lang = 'en' | 'zh-CN';

export function resolveLanguage(setting: Language): Lang {
  if (setting !== 'system') return setting;
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  return preferred.some((l) => l.toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en';
}

const en = {
  admit: 'ADMIT',
  deny: 'DENY',
  ready: 'Ready',
  readyHint: 'Scan a ticket',
  checking: 'Checking…',
  typedCode: 'Typed code',
  typedHint: 'Enter to check · Esc to clear',
  offline: 'OFFLINE',
  offlineSigned: 'signed tickets checked here',
  offlineDeny: 'tickets cannot be checked',
  notEnrolled: 'This station is not enrolled. Open settings to enroll it.',
  'revoked.title': 'Station revoked',
  'revoked.action': 'Ask venue IT to enroll this gate again',
  'revoked.note': 'No tickets are checked here: let no one through',
  'revoked.noteGate': '{gate}: no tickets are checked here, let no one through',
  disconnected: 'Station core not reachable — reconnecting…',
  admitted: 'Admitted',
  denied: 'Denied',
  recent: 'Recent scans',
  noScans: 'No scans yet',
  seat: 'Seat',
  hall: 'Hall',
  starts: 'Starts',
  offlineDecision: 'Checked offline',
  gate: 'Gate',
  settings: 'Settings',
  journalPending: 'To upload: {n}',
  conflictTitle: 'Offline admission refused by the server',
  conflictLine: '{seat} admitted here {at}: {reason}',
  dismiss: 'Dismiss',
  refusedTitle: '{n} offline admissions were refused by the server and will not be uploaded',
  refusedLine: '{n}: {reason}',
  'refused.body_too_large': 'too large for the server',
  'refused.bad_request': 'not accepted by the server',
  'refused.other': 'refused ({code})',
  'reason.already_redeemed': 'Already used',
  'reason.expired': 'Expired',
  'reason.not_yet_valid': 'Not yet valid',
  'reason.revoked': 'Revoked',
  'reason.wrong_provider': 'Wrong venue',
  'reason.malformed': 'Bad ticket',
  'reason.bad_signature': 'Bad ticket',
  'reason.unknown_code': 'Bad ticket',
  'reason.cannot_verify': 'Cannot verify',
  'reason.provider_unavailable': 'Cannot verify',
  'reason.rate_limited': 'Too many refused scans',
  'detail.used': 'Used at {gate}, {at}',
  'detail.usedNoGate': 'Used {at}',
  'detail.usedAtGate': 'Used at {gate}',
  'detail.expired': 'Valid until {at}',
  'detail.opens': 'Opens {at}',
  'detail.wrongVenue': 'This ticket is for {venue}',
  'detail.cannotVerify': 'Server not answering — {action}',
  'detail.cannotSave': 'This station cannot save — {action}',
  'detail.notEnrolled': 'This station is not enrolled — {action}',
  'detail.stationRefused': 'The server refused this station — {action}',
  'action.attended': 'call a supervisor',
  'action.kiosk': 'please ask staff',
  'detail.rateLimited': 'Wait a minute before scanning again',
  'detail.badTicket': 'Not a valid ticket for this gate',
  'detail.revoked': 'This ticket was cancelled',
  'notice.enrolled': 'Enrolled as {gate}',
  'notice.enroll_failed': 'Enrollment failed: {message}',
  'notice.setup_ignored': 'Setup code ignored: this gate is enrolled. Open settings with the PIN to re-enroll it.',
  'notice.setup_insecure': 'Setup code refused: {url} is plain http to another machine. Use https, or allow plain http in settings.',
  serverRefused: 'Server not used: plain http to another machine. Use https, or allow plain http in settings.',
  stationRefusal: 'The server refuses this station: {message}. Venue IT: check the provider ID in settings, or enroll the gate again.',
  'notice.conflict': 'Conflict: {seat} was already used at {gate}',
  'notice.journal_uploaded': 'Offline admissions uploaded',
  'notice.journal_unwritable': "Offline admissions cannot be saved: this station's disk is full or cannot be written ({code}). While the server is out of reach, tickets are refused until venue IT makes room.",
  'notice.settings_saved': 'Settings saved',
  'notice.annulled': 'Admission annulled: the ticket can be scanned again',
  'notice.annul_failed': 'Could not annul the admission ({reason})',
  annul: 'Annul admission',
  annulLast: 'Annul last admission',
  annulConfirm: 'Tap again to annul',
  annulSeat: 'seat {seat}',
  'source.wedge': 'Keyboard scanner',
  'source.camera': 'Camera',
  'source.serial': 'Serial',
  'source.hid': 'HID',
  'source.relay': 'Relay',
};

type Key = keyof typeof en;

const zh: Record<Key, string> = {
  admit: '请通行',
  deny: '禁止通行',
  ready: '就绪',
  readyHint: '请出示票码',
  checking: '验证中…',
  typedCode: '手动输入',
  typedHint: '回车验证 · Esc 清除',
  offline: '离线',
  offlineSigned: '本机验证签名票',
  offlineDeny: '无法验票',
  notEnrolled: '本验票机尚未注册。请进入设置完成注册。',
  'revoked.title': '验票机已停用',
  'revoked.action': '请联系场馆 IT 重新注册本闸机',
  'revoked.note': '此处不再验票：请勿放行',
  'revoked.noteGate': '{gate}：此处不再验票，请勿放行',
  disconnected: '无法连接验票核心 — 正在重连…',
  admitted: '已通过',
  denied: '已拒绝',
  recent: '最近扫码',
  noScans: '暂无扫码',
  seat: '座位',
  hall: '影厅',
  starts: '开场',
  offlineDecision: '离线验证',
  gate: '检票口',
  settings: '设置',
  journalPending: '待上传：{n}',
  refusedTitle: '{n} 条离线放行记录被服务器拒收，将不再上传',
  refusedLine: '{n} 条：{reason}',
  'refused.body_too_large': '超出服务器大小限制',
  'refused.bad_request': '服务器不接受',
  'refused.other': '被拒收（{code}）',
  conflictTitle: '离线放行被服务器拒绝',
  conflictLine: '{seat} 于 {at} 在本机放行：{reason}',
  dismiss: '知道了',
  'reason.already_redeemed': '票已使用',
  'reason.expired': '票已过期',
  'reason.not_yet_valid': '尚未到入场时间',
  'reason.revoked': '票已作废',
  'reason.wrong_provider': '非本场馆票',
  'reason.malformed': '无效票',
  'reason.bad_signature': '无效票',
  'reason.unknown_code': '无效票',
  'reason.cannot_verify': '无法验证',
  'reason.provider_unavailable': '无法验证',
  'reason.rate_limited': '拒绝次数过多',
  'detail.used': '已于 {at} 在 {gate} 使用',
  'detail.usedNoGate': '已于 {at} 使用',
  'detail.usedAtGate': '已在 {gate} 使用',
  'detail.expired': '有效期至 {at}',
  'detail.opens': '{at} 起可入场',
  'detail.wrongVenue': '此票属于 {venue}',
  'detail.cannotVerify': '服务器无响应 — {action}',
  'detail.cannotSave': '本机无法保存记录 — {action}',
  'detail.notEnrolled': '本机尚未注册 — {action}',
  'detail.stationRefused': '服务器拒绝了本机 — {action}',
  'action.attended': '请联系主管',
  'action.kiosk': '请向工作人员求助',
  'detail.rateLimited': '请稍候一分钟再扫码',
  'detail.badTicket': '不是本检票口的有效票',
  'detail.revoked': '此票已被取消',
  'notice.enrolled': '已注册为 {gate}',
  'notice.enroll_failed': '注册失败：{message}',
  'notice.setup_ignored': '已忽略设置码：本检票口已注册。如需重新注册，请先用密码进入设置。',
  'notice.setup_insecure': '已拒绝设置码：{url} 是发往其他机器的明文 http。请使用 https，或在设置中允许明文 http。',
  serverRefused: '未连接服务器：发往其他机器的明文 http。请使用 https，或在设置中允许明文 http。',
  stationRefusal: '服务器拒绝本机：{message}。场馆 IT：请检查设置中的服务商 ID，或重新注册本检票口。',
  'notice.conflict': '冲突：{seat} 已在 {gate} 使用',
  'notice.journal_uploaded': '离线放行记录已上传',
  'notice.journal_unwritable': '无法保存离线放行记录：本机磁盘已满或无法写入（{code}）。连不上服务器期间，所有票都会被拒绝，直到场馆 IT 腾出空间。',
  'notice.settings_saved': '设置已保存',
  'notice.annulled': '已撤销入场：此票可再次扫码',
  'notice.annul_failed': '撤销入场失败（{reason}）',
  annul: '撤销入场',
  annulLast: '撤销上一次入场',
  annulConfirm: '再点一次确认撤销',
  annulSeat: '座位 {seat}',
  'source.wedge': '键盘扫码枪',
  'source.camera': '摄像头',
  'source.serial': '串口',
  'source.hid': 'HID',
  'source.relay': '闸机继电器',
};

const dictionaries: Record<Lang, Record<Key, string>> = { en, 'zh-CN': zh };

export type Translate = (key: Key, params?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const dict = dictionaries[lang];
  return (key, params) => {
    let s = dict[key] ?? en[key] ?? key;
    if (params) for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
    return s;
  };
}

/** Why the server refused an upload, in words; a reason without its own words shows its code. */
export function refusedReason(t: Translate, reason: string): string {
  if (reason === 'body_too_large' || reason === 'bad_request') return t(`refused.${reason}`);
  return t('refused.other', { code: reason });
}

/** The verdict's word (ADMIT / DENY), also the screen's name for it in the page (data-kind, CSS classes). */
export function verdictKey(result: StationVerdict['result']): 'admit' | 'deny' {
  return result === 'admitted' ? 'admit' : 'deny';
}

export function reasonKey(reason: DenyReason | undefined): Key {
  return `reason.${reason ?? 'cannot_verify'}` as Key;
}

/** "14:05" today, "Sat 3 May 14:05" on another day; epoch seconds in. */
export function formatTime(lang: Lang, epochS: number): string {
  const d = new Date(epochS * 1000);
  const now = new Date();
  const sameDay = d.toDateString() === now.toDateString();
  const opts: Intl.DateTimeFormatOptions = sameDay
    ? { hour: '2-digit', minute: '2-digit', hour12: false }
    : { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false };
  return new Intl.DateTimeFormat(lang, opts).format(d);
}
