import type { Banner } from '../state/fleetReducer';
import { emergencyLabel } from '../state/fleetReducer';
import { shortTime } from '../state/format';

export function EmergencyBanners({ banners, onDismiss }: { banners: Banner[]; onDismiss: (id: string) => void }) {
  if (banners.length === 0) return null;
  return (
    <section className="banners" aria-label="Emergency notices">
      {banners.map((b) => {
        const target = b.ec2_instance_id ?? b.instance_id ?? 'an instance';
        return (
          <div key={b.id} className="banner banner--emergency" role="alert" data-kind={b.kind}>
            <span className="banner__icon" aria-hidden="true">
              ⚠
            </span>
            <div className="banner__body">
              <strong>{emergencyLabel(b.kind)}</strong> for <code>{target}</code> on agent <code>{b.agent_id}</code>
              {b.action_time && <> — AWS acts at {shortTime(b.action_time)}</>}.
            </div>
            <button
              type="button"
              className="button button--ghost-light button--small"
              aria-label={`Dismiss notice for ${target}`}
              onClick={() => onDismiss(b.id)}
            >
              Dismiss
            </button>
          </div>
        );
      })}
    </section>
  );
}
