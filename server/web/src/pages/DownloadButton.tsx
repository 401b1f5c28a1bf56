// "Download ticket (PNG)": the server's ticket image, in the page's language
// and the venue's time zone. The owner's copy needs the session token, so it
// is fetched and saved through a blob: URL; a shared ticket's URL carries its
// share token and is a plain link.
import { useRef } from 'react';
import { api, localPath, type SharedTicket } from '../api.js';
import { ErrorBlock } from '../components/Status.js';
import { useI18n } from '../i18n/i18n.js';
import { useAction } from '../hooks.js';
import { Svg } from '../components/Panel.js';

function imagePath(ticket: SharedTicket, lang: string): string {
  const path = localPath(ticket.imageUrl);
  const params = new URLSearchParams({ locale: lang });
  params.set('tz', ticket.timeZone);
  return `${path}${path.includes('?') ? '&' : '?'}${params.toString()}`;
}

export function DownloadButton({ ticket, token }: { ticket: SharedTicket; token: string | null }) {
  const { t, lang } = useI18n();
  const { busy, error, run, clear } = useAction();
  const saved = useRef<{ lang: string; url: string } | null>(null);
  const filename = `ticket-${ticket.seat}-${ticket.ticketId}.png`;

  if (!token) {
    return (
      <a className="btn btn--secondary" href={imagePath(ticket, lang)} download={filename}>
        <DownloadIcon /> {t('ticket.download')}
      </a>
    );
  }

  const save = (url: string) => {
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
  };

  const download = async () => {
    clear();
    if (saved.current?.lang === lang) return save(saved.current.url);
    await run(async () => {
      const blob = await api.ticketFile(token, imagePath(ticket, lang));
      if (saved.current) URL.revokeObjectURL(saved.current.url);
      saved.current = { lang, url: URL.createObjectURL(blob) };
      save(saved.current.url);
    });
  };

  return (
    <>
      <button type="button" className="btn btn--secondary" onClick={() => void download()} disabled={busy} aria-busy={busy}>
        <DownloadIcon /> {busy ? t('ticket.downloading') : t('ticket.download')}
      </button>
      {error !== undefined && <ErrorBlock error={error} />}
    </>
  );
}

function DownloadIcon() {
  return (
    <Svg>
      <path d="M10 3v9m0 0-3.5-3.5M10 12l3.5-3.5M4 15.5h12" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
    </Svg>
  );
}
