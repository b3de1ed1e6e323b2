// List pages keep their filters, sort and page in the URL, so a view can be shared, reloaded and
// navigated back to; the server does the filtering, sorting and paging.
import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router";

export const PAGE_SIZE = 25;

export interface ListState {
  offset: number;
  limit: number;
  sort: string;
  filters: Record<string, string>;
}

export function useListParams(defaultSort: string, filterNames: readonly string[]) {
  const [search, setSearch] = useSearchParams();
  const key = search.toString();
  const state: ListState = useMemo(() => {
    const filters: Record<string, string> = {};
    for (const name of filterNames) filters[name] = search.get(name) ?? "";
    return {
      offset: Math.max(0, Number(search.get("offset") ?? 0) || 0),
      limit: PAGE_SIZE,
      sort: search.get("sort") ?? defaultSort,
      filters,
    };
  }, [key, defaultSort]);

  const update = useCallback(
    (changes: Record<string, string | number | null>) => {
      setSearch(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [name, value] of Object.entries(changes)) {
            if (value === null || value === "" || value === 0) next.delete(name);
            else next.set(name, String(value));
          }
          // A new filter or sort starts again from the first page.
          if (!("offset" in changes)) next.delete("offset");
          return next;
        },
        { replace: true },
      );
    },
    [setSearch],
  );

  return {
    ...state,
    setFilter: (name: string, value: string) => update({ [name]: value }),
    setSort: (sort: string) => update({ sort: sort === defaultSort ? null : sort }),
    setOffset: (offset: number) => update({ offset }),
    reset: () => setSearch(new URLSearchParams(), { replace: true }),
  };
}

/** The next sort when a column header is clicked: ascending, then descending. */
export function toggledSort(current: string, column: string): string {
  return current === column ? `-${column}` : column;
}
