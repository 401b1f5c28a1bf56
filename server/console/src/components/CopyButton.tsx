// Copies a value venue IT types into other systems. The clipboard API needs a
// secure context (https or localhost); on plain http the value is selected
// and copied the old way, so it is at least ready for ctrl+C.
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n.js';

export function CopyButton({ value, target }: { value: string; target: () => HTMLElement | null }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      return;
    } catch {
      // no clipboard API here: select the text instead
    }
    const el = target();
    if (!el) return;
    const range = document.createRange();
    range.selectNodeContents(el);
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    // Deprecated, but the only copy there is outside a secure context.
    setCopied(document.execCommand('copy'));
  };

  return (
    <button type="button" className="btn btn--small" onClick={() => void copy()} aria-live="polite">
      {copied ? t('common.copied') : t('common.copy')}
    </button>
  );
}
