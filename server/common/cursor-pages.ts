// A customer's long lists (orders, My tickets, the inbox) a page at a time:
// each page is a range of an index after a cursor, the last row's sort time
// and ID, so nothing is lost or shown twice however long the list grows, and
// no page costs more than its size.

export interface Page<T> {
  items: T[];
  /** the cursor of the next page; null on the last */
  next: string | null;
}

/** A cursor as the list queries accept it (protocol's pageCursor): the row's sort time and its ID. */
export const cursorOf = (at: number, id: string) => `${at}~${id}`;

export function parseCursor(cursor: string): { at: number; id: string } {
  const sep = cursor.indexOf('~');
  return { at: Number(cursor.slice(0, sep)), id: cursor.slice(sep + 1) };
}

/** One row more than the page is read: whether there is a next page is known without a count. */
export function paged<R, T>(rows: R[], limit: number, key: (r: R) => string, view: (rs: R[]) => T[] | Promise<T[]>): Promise<Page<T>> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return Promise.resolve(view(kept)).then((items) => ({ items, next: more ? key(kept[kept.length - 1]!) : null }));
}
