import type { InstanceStatus } from '../api/types';
import { isBusy, statusLabel, statusTone } from '../state/format';

export function StatusBadge({ status }: { status: InstanceStatus }) {
  const tone = statusTone(status);
  return (
    <span className={`badge badge--${tone}`} data-status={status}>
      {isBusy(status) ? <span className="spinner" aria-hidden="true" /> : <span className="badge__dot" aria-hidden="true" />}
      {statusLabel(status)}
    </span>
  );
}
