// The picked seats as chips: "A1 A2 A3".
import type { Seat } from '../api.js';

export function SeatChips({ seats, label }: { seats: readonly Seat[]; label?: string }) {
  return (
    <ul className="chips" aria-label={label}>
      {seats.map((s) => (
        <li key={s.seatId} className="chip">
          {s.row}
          {s.number}
        </li>
      ))}
    </ul>
  );
}
