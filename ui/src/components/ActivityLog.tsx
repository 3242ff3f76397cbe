import type { ActivityEntry } from '../state/fleetReducer';
import { shortTime } from '../state/format';

export function ActivityLog({ entries }: { entries: ActivityEntry[] }) {
  return (
    <section className="panel" aria-labelledby="activity-title">
      <h2 className="panel__title" id="activity-title">
        Recent activity
      </h2>
      {entries.length === 0 ? (
        <p className="muted">Events appear here as they stream in.</p>
      ) : (
        // Scrollable, so reachable by keyboard (Tab, then the arrow keys scroll it).
        <ol className="activity" tabIndex={0} aria-labelledby="activity-title">
          {entries.map((e) => (
            <li key={e.id} className={`activity__item activity__item--${e.tone}`}>
              <span className="activity__time">{shortTime(e.timestamp) ?? ''}</span>
              <span className="activity__text">{e.text}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
