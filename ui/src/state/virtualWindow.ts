// Which rows of a long list to render: only those in the viewport plus a few either side; the rest
// is represented by two spacers of the right height, so the scrollbar stays true.

export interface RowWindow {
  start: number;
  /** Exclusive. */
  end: number;
  /** Spacer heights above and below the rendered rows, in px. */
  top: number;
  bottom: number;
}

export function rowWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan = 8,
): RowWindow {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, top: 0, bottom: 0 };
  const visible = Math.max(1, Math.ceil(viewportHeight / rowHeight));
  const first = Math.min(count - 1, Math.max(0, Math.floor(scrollTop / rowHeight)));
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end, top: start * rowHeight, bottom: (count - end) * rowHeight };
}

/** The scrollTop that brings row `index` fully into view (unchanged when it already is). */
export function scrollToRow(index: number, scrollTop: number, viewportHeight: number, rowHeight: number, headerHeight = 0): number {
  const rowTop = index * rowHeight;
  const rowBottom = rowTop + rowHeight;
  const visibleTop = scrollTop;
  const visibleBottom = scrollTop + viewportHeight - headerHeight;
  if (rowTop < visibleTop) return rowTop;
  if (rowBottom > visibleBottom) return rowBottom - (viewportHeight - headerHeight);
  return scrollTop;
}
