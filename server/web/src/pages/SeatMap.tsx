// The seat map: the screen at the top, rows A–J with their letters on both
// sides, seat numbers above, each seat free, taken or picked. One tab stop
// for the whole map; the arrow keys move between seats (Home/End to the ends
// of a row) and Space or Enter picks one.
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Seat } from '../api.js';
import { useI18n } from '../i18n/i18n.js';

interface Props {
  seats: Seat[];
  selected: readonly string[];
  max: number;
  onToggle(seat: Seat): void;
}

interface Grid {
  rows: string[];
  columns: number[];
  at: Map<string, Seat>;
}

const cell = (row: string, n: number) => `${row}|${n}`;

function buildGrid(seats: Seat[]): Grid {
  const rows = [...new Set(seats.map((s) => s.row))].sort((a, b) => a.length - b.length || a.localeCompare(b));
  const max = seats.reduce((m, s) => Math.max(m, s.number), 0);
  const columns = Array.from({ length: max }, (_, i) => i + 1);
  const at = new Map(seats.map((s) => [cell(s.row, s.number), s]));
  return { rows, columns, at };
}

export function SeatMap({ seats, selected, max, onToggle }: Props) {
  const { t } = useI18n();
  const grid = useMemo(() => buildGrid(seats), [seats]);
  const picked = new Set(selected);
  const firstFree = seats.find((s) => s.status === 'free') ?? seats[0];
  const [focus, setFocus] = useState<string | undefined>(firstFree?.seatId);
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const full = selected.length >= max;

  const focusSeat = (seat: Seat | undefined) => {
    if (!seat) return;
    setFocus(seat.seatId);
    buttons.current.get(seat.seatId)?.focus();
  };

  /** The nearest seat from (row, n) stepping by (dr, dn), skipping gaps in the grid. */
  const step = (from: Seat, dr: number, dn: number): Seat | undefined => {
    let r = grid.rows.indexOf(from.row);
    let n = from.number;
    for (;;) {
      r += dr;
      n += dn;
      const row = grid.rows[r];
      if (row === undefined || n < 1 || n > grid.columns.length) return undefined;
      const s = grid.at.get(cell(row, n));
      if (s) return s;
      if (dr !== 0) {
        // a gap straight above or below: take the closest seat in that row
        const inRow = seats.filter((x) => x.row === row).sort((a, b) => Math.abs(a.number - n) - Math.abs(b.number - n));
        if (inRow[0]) return inRow[0];
      }
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>, seat: Seat) => {
    const rowSeats = () => seats.filter((s) => s.row === seat.row).sort((a, b) => a.number - b.number);
    const moves: Record<string, () => Seat | undefined> = {
      ArrowLeft: () => step(seat, 0, -1),
      ArrowRight: () => step(seat, 0, 1),
      ArrowUp: () => step(seat, -1, 0),
      ArrowDown: () => step(seat, 1, 0),
      Home: () => rowSeats()[0],
      End: () => rowSeats().at(-1),
    };
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    focusSeat(move());
  };

  const state = (s: Seat) => (picked.has(s.seatId) ? 'selected' : s.status === 'sold' ? 'sold' : 'free');

  return (
    <div className="seat-map">
      <div className="seat-map__screen" aria-hidden="true">
        <span>{t('seats.screen')}</span>
      </div>
      <div className="seat-map__scroll">
        <div
          className="seat-grid"
          role="grid"
          aria-label={t('seats.mapLabel')}
          style={{ gridTemplateColumns: `var(--row-label) repeat(${grid.columns.length}, var(--seat)) var(--row-label)` }}
        >
          <div role="row" className="seat-grid__numbers" aria-hidden="true">
            <span />
            {grid.columns.map((n) => (
              <span key={n} className="seat-grid__number">
                {n}
              </span>
            ))}
            <span />
          </div>
          {grid.rows.map((row) => (
            <div role="row" key={row} className="seat-grid__row">
              <span role="rowheader" className="seat-grid__row-label" aria-label={t('seats.row', { row })}>
                {row}
              </span>
              {grid.columns.map((n) => {
                const s = grid.at.get(cell(row, n));
                if (!s) return <span key={n} role="gridcell" className="seat seat--gap" />;
                const st = state(s);
                const unavailable = st === 'sold' || (st === 'free' && full);
                const label = `${t('seats.seatLabel', { row, n })}, ${t(st === 'selected' ? 'seats.stateSelected' : st === 'sold' ? 'seats.stateSold' : 'seats.stateFree')}`;
                return (
                  <span key={n} role="gridcell">
                    <button
                      type="button"
                      ref={(el) => {
                        if (el) buttons.current.set(s.seatId, el);
                        else buttons.current.delete(s.seatId);
                      }}
                      className={`seat seat--${st}`}
                      data-seat={s.seatId}
                      tabIndex={focus === s.seatId ? 0 : -1}
                      aria-pressed={st === 'selected'}
                      aria-disabled={unavailable || undefined}
                      aria-label={label}
                      title={t('seats.seatLabel', { row, n })}
                      onFocus={() => setFocus(s.seatId)}
                      onKeyDown={(e) => onKeyDown(e, s)}
                      onClick={() => !unavailable && onToggle(s)}
                    />
                  </span>
                );
              })}
              <span className="seat-grid__row-label" aria-hidden="true">
                {row}
              </span>
            </div>
          ))}
        </div>
      </div>
      <ul className="seat-legend" aria-label={t('seats.legend')}>
        <li>
          <span className="seat seat--free seat--legend" aria-hidden="true" />
          {t('seats.free')}
        </li>
        <li>
          <span className="seat seat--selected seat--legend" aria-hidden="true" />
          {t('seats.selected')}
        </li>
        <li>
          <span className="seat seat--sold seat--legend" aria-hidden="true" />
          {t('seats.sold')}
        </li>
      </ul>
    </div>
  );
}
