// The console's tables: a header row of column names, a row per item, and the
// page's loading, error and empty states before them. A page describes its
// columns; a new column is one more entry in its list.
import type { HTMLAttributes, ReactNode } from 'react';
import type { Load } from '../hooks.js';
import { ErrorNotice, Loading } from './Status.js';

export interface Column<T> {
  /** the column's name in the header */
  label: ReactNode;
  /** on the header and the cells: 'num', 'table__actions' */
  className?: string;
  /** on the cells only: 'nowrap', 'strong', or one by the row */
  cellClassName?: string | ((row: T) => string);
  /** the cells' data-testid */
  testId?: string;
  cell(row: T): ReactNode;
}

const classes = (...names: (string | undefined)[]) => names.filter(Boolean).join(' ') || undefined;

export function DataTable<T>({
  columns,
  rows,
  rowKey,
  rowProps,
  testId,
  className,
  head = true,
}: {
  columns: Column<T>[];
  rows: readonly T[];
  rowKey(row: T, index: number): string | number;
  /** data-… attributes and a class for a row */
  rowProps?(row: T): HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string>;
  testId?: string;
  /** beside 'table': a table's own layout */
  className?: string;
  /** false: a table of label and value rows, without a header */
  head?: boolean;
}) {
  return (
    <div className="table-wrap">
      <table className={classes('table', className)} data-testid={testId}>
        {head && (
          <thead>
            <tr>
              {columns.map((c, i) => (
                <th scope="col" key={i} className={c.className}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
        )}
        <tbody>
          {rows.map((row, i) => (
            <tr key={rowKey(row, i)} {...rowProps?.(row)}>
              {columns.map((c, j) => (
                <td key={j} className={classes(c.className, typeof c.cellClassName === 'function' ? c.cellClassName(row) : c.cellClassName)} data-testid={c.testId}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A loaded list's states: loading, the error with a retry, `empty` when there is nothing, else what children make of the data. */
export function Loaded<T>({
  load,
  onRetry,
  empty,
  isEmpty,
  children,
}: {
  load: Load<T>;
  onRetry?: () => void;
  empty: string;
  isEmpty(data: T): boolean;
  children(data: T): ReactNode;
}) {
  if (load.state === 'loading') return <Loading />;
  if (load.state === 'error') return <ErrorNotice error={load.error} onRetry={onRetry} />;
  if (isEmpty(load.data)) return <p className="empty">{empty}</p>;
  return children(load.data);
}
