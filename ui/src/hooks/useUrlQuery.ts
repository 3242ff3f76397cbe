import { useCallback, useEffect, useState } from 'react';
import { parseQuery, serializeQuery, type TableQuery } from '../state/tableView';

/**
 * The table's query, kept in the URL: filters and the open instance are history entries (back and
 * forward step through them), typing in the search box replaces the current entry.
 */
export function useUrlQuery(): [TableQuery, (change: Partial<TableQuery>, options?: { replace?: boolean }) => void] {
  const [query, setQuery] = useState<TableQuery>(() => parseQuery(window.location.search));

  useEffect(() => {
    const onPop = () => setQuery(parseQuery(window.location.search));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const update = useCallback((change: Partial<TableQuery>, options: { replace?: boolean } = {}) => {
    setQuery((current) => {
      const next = { ...current, ...change };
      const search = serializeQuery(next);
      if (search !== window.location.search) {
        const url = `${window.location.pathname}${search}${window.location.hash}`;
        if (options.replace) window.history.replaceState(null, '', url);
        else window.history.pushState(null, '', url);
      }
      return next;
    });
  }, []);

  return [query, update];
}
