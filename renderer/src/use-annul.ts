// The attendant's undo of an admission whose holder did not pass (the
// turnstile did not turn): the last admission on this screen stays annullable
// for ANNUL_WINDOW_MS, on the ADMIT screen and after it on the ready screen.
// The core decides (and refuses in kiosk mode); this only offers the control.
import { useEffect, useRef, useState } from 'react';
import { ANNUL_WINDOW_MS, type VerdictView } from '../../main/bridge/contract.js';
import type { ScreenBridge } from './bridge-client.js';

export interface AnnulModel {
  /** the last admission still annullable, or null */
  last: VerdictView | null;
  /** verdict IDs annulled from any screen: their ADMIT leaves the screen */
  annulled: ReadonlySet<string>;
  busy: boolean;
  annul(id: string): void;
}

export function useAnnul(bridge: ScreenBridge): AnnulModel {
  const [last, setLast] = useState<VerdictView | null>(null);
  const [annulled, setAnnulled] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const expiry = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastId = useRef<string | null>(null);

  useEffect(() => {
    const offs = [
      bridge.on('verdict', (v) => {
        if (v.result !== 'admitted') return;
        clearTimeout(expiry.current);
        lastId.current = v.id;
        setLast(v);
        expiry.current = setTimeout(() => setLast((cur) => (cur?.id === v.id ? null : cur)), ANNUL_WINDOW_MS);
      }),
      // Annulled from another screen of this station: the control goes here too.
      bridge.on('notice', (n) => {
        if (n.key !== 'annulled' || lastId.current === null) return;
        const id = lastId.current;
        setAnnulled((s) => new Set(s).add(id));
        setLast((cur) => (cur?.id === id ? null : cur));
      }),
    ];
    return () => {
      for (const off of offs) off();
      clearTimeout(expiry.current);
    };
  }, [bridge]);

  const annul = (id: string) => {
    setBusy(true);
    bridge
      .invoke('scan:annul', { id })
      .then((r) => {
        if (!r.ok) return;
        setAnnulled((s) => new Set(s).add(id));
        setLast((cur) => (cur?.id === id ? null : cur));
      })
      .catch(() => undefined)
      .finally(() => setBusy(false));
  };
  return { last, annulled, busy, annul };
}
