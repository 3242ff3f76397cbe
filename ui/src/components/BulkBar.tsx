import { useEffect, useRef, useState } from 'react';
import type { TerminateResult } from '../hooks/useFleet';

interface Props {
  /** Selected instances that can be terminated, and the labels to show for them. */
  terminable: string[];
  selectedCount: number;
  labelOf: (instanceId: string) => string;
  onTerminate: (instanceIds: string[]) => Promise<TerminateResult[]>;
  onClear: () => void;
}

/** Bulk actions on the selection: terminate them all with one confirmation; failures per instance. */
export function BulkBar({ terminable, selectedCount, labelOf, onTerminate, onClear }: Props) {
  const [confirming, setConfirming] = useState(false);
  const [running, setRunning] = useState(false);
  const [results, setResults] = useState<TerminateResult[] | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  const resultRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);
  useEffect(() => {
    if (results) resultRef.current?.focus();
  }, [results]);

  const failures = results?.filter((r) => !r.ok) ?? [];
  if (selectedCount === 0 && !results) return null;

  const run = async () => {
    const ids = terminable;
    setConfirming(false);
    setRunning(true);
    try {
      setResults(await onTerminate(ids));
      onClear();
    } finally {
      setRunning(false);
    }
  };

  return (
    <div className="bulk" role="region" aria-label="Bulk actions">
      {selectedCount > 0 && (
        <div className="bulk__bar">
          <span className="bulk__count">
            <strong>{selectedCount}</strong> selected
            {terminable.length < selectedCount && <> ({terminable.length} can be terminated)</>}
          </span>
          {confirming ? (
            <div
              className="confirm"
              role="group"
              aria-label="Confirm bulk termination"
              onKeyDown={(e) => {
                if (e.key === 'Escape') {
                  setConfirming(false);
                  startRef.current?.focus();
                }
              }}
            >
              <span className="confirm__text">
                Terminate {terminable.length} instance{terminable.length === 1 ? '' : 's'}?
              </span>
              <button ref={confirmRef} type="button" className="button button--danger button--small" onClick={run}>
                Confirm terminate {terminable.length}
              </button>
              <button
                type="button"
                className="button button--ghost button--small"
                onClick={() => {
                  setConfirming(false);
                  startRef.current?.focus();
                }}
              >
                Cancel
              </button>
            </div>
          ) : (
            <>
              <button
                ref={startRef}
                type="button"
                className="button button--outline-danger button--small"
                disabled={terminable.length === 0 || running}
                onClick={() => {
                  setResults(null);
                  setConfirming(true);
                }}
              >
                {running ? 'Terminating…' : 'Terminate selected'}
              </button>
              <button type="button" className="button button--ghost button--small" onClick={onClear} disabled={running}>
                Clear selection
              </button>
            </>
          )}
        </div>
      )}
      {results && (
        <div className={`bulk__result notice ${failures.length ? 'notice--danger' : ''}`} tabIndex={-1} ref={resultRef} role="status">
          <p>
            <strong>{results.length - failures.length}</strong> termination{results.length - failures.length === 1 ? '' : 's'} accepted
            {failures.length > 0 && (
              <>
                , <strong>{failures.length}</strong> refused:
              </>
            )}
          </p>
          {failures.length > 0 && (
            <ul className="bulk__failures">
              {failures.map((f) => (
                <li key={f.instanceId} data-instance-id={f.instanceId}>
                  <code>{labelOf(f.instanceId)}</code> — {f.message}
                </li>
              ))}
            </ul>
          )}
          <button type="button" className="button button--ghost button--small" onClick={() => setResults(null)}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
