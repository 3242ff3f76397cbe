package com.spotoptimizer.api.events;

import com.spotoptimizer.db.event.EventRow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fan-out of one client's events on this replica. A wake-up (NOTIFY, the polling backstop, a
 * listener reconnect) runs one read of the events table after {@link #head()}, shared by all of the
 * client's live subscribers; wake-ups that arrive during a read fold into one more read. Each batch is
 * offered to each live subscriber's own queue; one that has no room for all of it leaves the fan-out
 * and catches up by itself, the rest never wait for it.
 */
final class ClientChannel {

    private static final Logger log = LoggerFactory.getLogger(ClientChannel.class);
    /** How long a hole in the ids may stay unfilled before the fan-out moves past it. */
    private static final Duration HOLE_GRACE = Duration.ofSeconds(10);

    private final EventHub hub;
    private final String clientId;
    private final AtomicInteger wip = new AtomicInteger();

    // Guarded by this.
    private long head;
    private final Set<Subscriber> all = new LinkedHashSet<>();
    // A set, not a list: 10,000 streams leaving at once (a reconnect storm) must not cost 10,000 list scans.
    private final Set<Subscriber> live = new LinkedHashSet<>();
    private Instant holeSince;

    ClientChannel(EventHub hub, String clientId, long head) {
        this.hub = hub;
        this.clientId = clientId;
        this.head = head;
    }

    String clientId() {
        return clientId;
    }

    synchronized long head() {
        return head;
    }

    synchronized int size() {
        return all.size();
    }

    synchronized List<Subscriber> subscribers() {
        return new ArrayList<>(all);
    }

    /** Adds a subscriber; it is live at once if its cursor is at or past the fan-out's position. */
    synchronized void add(Subscriber subscriber) {
        all.add(subscriber);
        if (subscriber.goLiveIfAt(head)) {
            live.add(subscriber);
        }
    }

    /** A catch-up page came back short: join the fan-out if nothing new arrived meanwhile. */
    synchronized boolean tryGoLive(Subscriber subscriber) {
        if (!all.contains(subscriber)) {
            return false;
        }
        if (subscriber.goLiveIfAt(head)) {
            live.add(subscriber);
            return true;
        }
        return false;
    }

    /** Removes a subscriber; true if the channel is now empty. */
    synchronized boolean remove(Subscriber subscriber) {
        all.remove(subscriber);
        live.remove(subscriber);
        return all.isEmpty();
    }

    void wake() {
        if (wip.getAndIncrement() == 0) {
            fetch();
        }
    }

    private void fetch() {
        int missed = wip.get();
        long from = head();
        hub.reader().after(clientId, from, hub.fetchBatch()).collectList().subscribe(
                rows -> {
                    boolean more = deliver(from, rows);
                    if (more) {
                        fetch();
                    } else {
                        done(missed);
                    }
                },
                error -> {
                    log.warn("Events not read client_id={} after={} error={}", clientId, from, error.toString());
                    done(missed);
                });
    }

    private void done(int missed) {
        if (wip.addAndGet(-missed) != 0) {
            fetch();
        }
    }

    /**
     * Offers a batch read after {@code from} to the live subscribers and moves the head. Returns true
     * if another read should follow at once (a full batch).
     */
    private boolean deliver(long from, List<EventRow> rows) {
        if (rows.isEmpty()) {
            return false;
        }
        List<Frame> frames = new ArrayList<>(rows.size());
        long expected = from + 1;
        boolean hole = false;
        for (EventRow row : rows) {
            if (row.eventId() != expected) {
                hole = true;
                break;
            }
            frames.add(Frame.of(row, true));
            expected++;
        }
        if (hole && frames.isEmpty()) {
            // Ids are dense and handed out in commit order, so this only happens if a writer appended
            // outside a transaction (or retention ran far ahead of this replica). Wait a little for the
            // missing row, then move on.
            synchronized (this) {
                Instant now = hub.now();
                if (holeSince == null) {
                    holeSince = now;
                    log.warn("Hole in event ids client_id={} after={} next={}", clientId, from, rows.get(0).eventId());
                    return false;
                }
                if (Duration.between(holeSince, now).compareTo(HOLE_GRACE) < 0) {
                    return false;
                }
                log.warn("Skipped hole in event ids client_id={} after={} next={}", clientId, from, rows.get(0).eventId());
            }
            for (EventRow row : rows) {
                frames.add(Frame.of(row, true));
            }
            hole = false;
        }
        List<Subscriber> drain;
        synchronized (this) {
            if (head != from) {
                return false; // Only this loop moves the head; defensive.
            }
            holeSince = null;
            drain = new ArrayList<>(live);
            live.removeIf(subscriber -> !subscriber.offerLive(frames));
            head = frames.get(frames.size() - 1).id();
        }
        for (Subscriber subscriber : drain) {
            subscriber.scheduleDrain();
        }
        return !hole && rows.size() == hub.fetchBatch();
    }
}
