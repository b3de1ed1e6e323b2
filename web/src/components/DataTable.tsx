// A table of one server page: sorting, paging and filtering happen on the server (see lib/listParams).
import { Fragment, type ReactNode } from "react";
import { Spinner } from "./Spinner";

export interface Column<Row> {
  key: string;
  header: ReactNode;
  /** The API's sort field for this column, when it can be sorted. */
  sort?: string;
  render: (row: Row) => ReactNode;
  className?: string;
  /** Lets long text (names) wrap instead of widening the table. */
  wrap?: boolean;
}

interface DataTableProps<Row> {
  columns: Column<Row>[];
  rows: Row[] | undefined;
  rowKey: (row: Row) => string;
  sort?: string;
  onSort?: (field: string) => void;
  loading?: boolean;
  /** Shown instead of the table when there is no row at all. */
  empty: ReactNode;
  onRowClick?: (row: Row) => void;
  /** A row's expanded content, shown under it when `expanded(row)` holds. */
  expanded?: (row: Row) => boolean;
  renderExpanded?: (row: Row) => ReactNode;
  label: string;
}

export function DataTable<Row>({
  columns,
  rows,
  rowKey,
  sort,
  onSort,
  loading,
  empty,
  onRowClick,
  expanded,
  renderExpanded,
  label,
}: DataTableProps<Row>) {
  if (rows && rows.length === 0 && !loading) return <>{empty}</>;
  return (
    <div className="relative overflow-x-auto">
      {loading && (
        <div className="absolute inset-0 z-10 flex items-start justify-center bg-white/60 pt-10" role="status">
          <Spinner className="size-6 text-brand-600" />
          <span className="sr-only">Loading</span>
        </div>
      )}
      <table className="min-w-full text-left" aria-label={label}>
        <thead className="border-b border-slate-200 bg-slate-50 text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            {columns.map((column) => {
              const active = sort === column.sort || sort === `-${column.sort}`;
              const descending = sort?.startsWith("-");
              return (
                <th
                  key={column.key}
                  scope="col"
                  className={`whitespace-nowrap px-4 py-2.5 ${column.className ?? ""}`}
                  aria-sort={active ? (descending ? "descending" : "ascending") : undefined}
                >
                  {column.sort && onSort ? (
                    <button
                      type="button"
                      className="inline-flex items-center gap-1 uppercase hover:text-slate-800"
                      onClick={() => onSort(column.sort!)}
                    >
                      {column.header}
                      <span aria-hidden="true" className={active ? "text-brand-600" : "text-slate-300"}>
                        {active && descending ? "▼" : "▲"}
                      </span>
                    </button>
                  ) : (
                    column.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {(rows ?? []).map((row) => {
            const key = rowKey(row);
            const open = expanded?.(row) ?? false;
            return (
              <Fragment key={key}>
                <tr
                  className={`${onRowClick ? "cursor-pointer hover:bg-slate-50" : ""} ${open ? "bg-brand-50/40" : ""}`}
                  onClick={onRowClick ? () => onRowClick(row) : undefined}
                >
                  {columns.map((column) => (
                    <td key={column.key} className={`${column.wrap ? "min-w-32" : "whitespace-nowrap"} px-4 py-2.5 ${column.className ?? ""}`}>
                      {column.render(row)}
                    </td>
                  ))}
                </tr>
                {open && renderExpanded && (
                  <tr className="bg-slate-50/70">
                    <td colSpan={columns.length} className="px-4 py-4">
                      {renderExpanded(row)}
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function Pagination({
  offset,
  limit,
  total,
  onOffset,
}: {
  offset: number;
  limit: number;
  total: number | undefined;
  onOffset: (offset: number) => void;
}) {
  if (!total) return null;
  const last = Math.min(offset + limit, total);
  return (
    <nav className="flex items-center justify-between gap-2 border-t border-slate-100 px-4 py-2.5 text-slate-600" aria-label="Pages">
      <span>
        {offset + 1}–{last} of {total.toLocaleString("en-US")}
      </span>
      <div className="flex gap-1">
        <button
          type="button"
          className="rounded-md px-2.5 py-1 ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-40"
          disabled={offset === 0}
          onClick={() => onOffset(Math.max(0, offset - limit))}
        >
          Previous
        </button>
        <button
          type="button"
          className="rounded-md px-2.5 py-1 ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-40"
          disabled={last >= total}
          onClick={() => onOffset(offset + limit)}
        >
          Next
        </button>
      </div>
    </nav>
  );
}
