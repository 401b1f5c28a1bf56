// The screen's model: the core's state, the verdict on show (until the hold
// time passes or the next scan enters), "checking" while a scan is with the
// server, and transient notices. Verdicts are rendered synchronously (flushSync)
// the moment they arrive: that is the latency the gate is judged by.
import { useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { Notice, StationState, VerdictView } from '../../main/bridge/contract.js';
import type { ScreenBridge } from './bridge-client.js';
import { recordPainted } from './metrics.js';
import { playVerdict } from './sound.js';

export interface ShownNotice extends Notice {
  id: number;
}

export interface StationModel {
  state: StationState | null;
  connected: boolean;
  verdict: VerdictView | null;
  checking: boolean;
  notices: ShownNotice[];
  dismissNotice(id: number): void;
}

const NOTICE_MS = 6000;
const CHECKING_AFTER_MS = 150;

export function useStation(bridge: ScreenBridge): StationModel {
  const [state, setState] = useState<StationState | null>(null);
  const [connected, setConnected] = useState(false);
  const [verdict, setVerdict] = useState<VerdictView | null>(null);
  const [checking, setChecking] = useState(false);
  const [notices, setNotices] = useState<ShownNotice[]>([]);
  const holdTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const checkingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const noticeId = useRef(0);

  useEffect(() => {
    const offs = [
      bridge.onConnection((c) => {
        setConnected(c);
        if (c) bridge.invoke('station:state').then(setState, () => undefined);
      }),
      bridge.on('state', setState),
      bridge.on('scan', () => {
        // The next scan ends the verdict on show. Usually its own verdict follows within
        // a few ms and simply replaces it (nothing to render in between, on the critical
        // path); a slow answer shows "checking" after CHECKING_AFTER_MS.
        clearTimeout(checkingTimer.current);
        checkingTimer.current = setTimeout(() => {
          clearTimeout(holdTimer.current);
          setVerdict(null);
          setChecking(true);
        }, CHECKING_AFTER_MS);
      }),
      bridge.on('verdict', (v) => {
        clearTimeout(holdTimer.current);
        clearTimeout(checkingTimer.current);
        flushSync(() => {
          setChecking(false);
          setVerdict(v);
        });
        recordPainted(v.id, v.enteredAt);
        playVerdict(v.result);
        holdTimer.current = setTimeout(() => setVerdict((cur) => (cur?.id === v.id ? null : cur)), v.holdMs);
      }),
      bridge.on('notice', (n) => {
        const id = ++noticeId.current;
        // A problem that repeats with every scan (a full disk) shows once, for
        // another NOTICE_MS from its latest time, rather than stacking copies down the screen.
        const same = (x: ShownNotice) => x.key === n.key && JSON.stringify(x.params ?? {}) === JSON.stringify(n.params ?? {});
        setNotices((list) => [...list.filter((x) => !same(x)).slice(-3), { ...n, id }]);
        setTimeout(() => setNotices((list) => list.filter((x) => x.id !== id)), NOTICE_MS);
      }),
    ];
    return () => {
      for (const off of offs) off();
      clearTimeout(holdTimer.current);
      clearTimeout(checkingTimer.current);
    };
  }, [bridge]);

  return {
    state,
    connected,
    verdict,
    checking,
    notices,
    dismissNotice: (id) => setNotices((list) => list.filter((x) => x.id !== id)),
  };
}
