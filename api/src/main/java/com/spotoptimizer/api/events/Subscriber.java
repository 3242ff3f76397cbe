package com.spotoptimizer.api.events;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One open stream: its own cursor and its own bounded queue of frames waiting for the connection.
 *
 * <p>It starts <em>catching up</em>: it reads the events table from its cursor itself, one page at a
 * time and only as much as its queue has room for, so a replay of any length costs a bounded amount of
 * memory. Once it has read up to the fan-out's position it turns <em>live</em>: its
 * {@link ClientChannel} offers it each new batch. A live subscriber whose queue cannot take a whole
 * batch (a burst, or a slow connection) takes what fits and drops back to catching up, so the others
 * never wait for it and its memory stays at its queue. A subscriber whose waiting frames the connection
 * has not taken for the slow-subscriber timeout is cut off: its stream completes, and its reconnect
 * with Last-Event-ID loses nothing.
 *
 * <p>Locks: the channel's monitor is taken before this one, never the other way round. Frames go out
 * in a serialized drain loop (no lock held while writing) into the stream's {@link StreamOutput}, only
 * as far as the connection takes them, on the connection's own event loop: the fan-out thread only
 * queues and hands over, so writing spreads over all event loops and a write never hops threads.
 */
final class Subscriber {

    private final EventHub hub;
    private final String clientId;
    private final int capacity;
    private final ArrayDeque<Frame> queue;
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** Runs when the stream has ended for good, whichever way (releases its connection slot). */
    private final Runnable onEnd;

    // Guarded by this.
    private long cursor;
    private boolean live;
    private boolean reading;
    private boolean completeWhenDrained;
    private int maxDepth;
    /** When the connection last stopped taking frames while some were waiting; 0 when none wait. */
    private long blockedSinceNanos;

    private volatile boolean closed;
    private volatile StreamOutput output;

    Subscriber(EventHub hub, String clientId, int capacity, long cursor, List<Frame> first, Runnable onEnd) {
        this.hub = hub;
        this.onEnd = onEnd;
        this.clientId = clientId;
        this.capacity = capacity;
        this.cursor = cursor;
        this.queue = new ArrayDeque<>(Math.min(capacity, 64));
        queue.addAll(first);
        maxDepth = queue.size();
    }

    String clientId() {
        return clientId;
    }

    void attach(StreamOutput output) {
        this.output = output;
    }

    /** Releases what the stream holds on this replica (its connection slot); idempotent via the caller. */
    void ended() {
        onEnd.run();
    }

    boolean isClosed() {
        return closed;
    }

    synchronized long cursor() {
        return cursor;
    }

    synchronized int maxDepth() {
        return maxDepth;
    }

    /** Under the channel's monitor: turns live if it has read up to {@code head}. */
    synchronized boolean goLiveIfAt(long head) {
        // Not while a replay page is being read: that page would queue again what the fan-out queues.
        if (!closed && !live && !reading && cursor >= head) {
            live = true;
        }
        return live;
    }

    /**
     * Under the channel's monitor: takes the frames after its cursor, as many as fit. False if not all
     * fit: it is then no longer live (the caller drops it from the fan-out) and reads the rest itself.
     */
    synchronized boolean offerLive(List<Frame> frames) {
        if (closed) {
            return true;
        }
        for (Frame frame : frames) {
            if (frame.id() <= cursor) {
                continue;
            }
            if (queue.size() >= capacity) {
                live = false;
                return false;
            }
            queue.add(frame);
            cursor = frame.id();
            maxDepth = Math.max(maxDepth, queue.size());
        }
        return true;
    }

    /** True if frames have waited for the connection longer than {@code timeoutNanos}. */
    synchronized boolean blockedLongerThan(long nowNanos, long timeoutNanos) {
        return !closed && blockedSinceNanos != 0 && nowNanos - blockedSinceNanos > timeoutNanos;
    }

    /** A heartbeat only goes into an empty queue: pending frames keep the connection busy anyway. */
    synchronized void offerHeartbeat(Frame heartbeat) {
        if (!closed && queue.isEmpty()) {
            queue.add(heartbeat);
            maxDepth = Math.max(maxDepth, 1);
        }
    }

    /** How many rows the next catch-up page may hold, or 0 if no page should be read now. */
    synchronized int claimPage(int batch) {
        int room = capacity - queue.size();
        if (closed || live || reading || completeWhenDrained || room < Math.max(1, capacity / 2)) {
            return 0;
        }
        reading = true;
        return Math.min(batch, room);
    }

    /** Where the next replay page starts. */
    synchronized long readFrom() {
        return cursor;
    }

    /**
     * A catch-up page arrived (read after {@code from}, at most {@code asked} rows). Returns whether it
     * was short, i.e. the table had no more rows at the time of the read.
     */
    boolean caughtUp(long from, int asked, List<Frame> rows) {
        boolean gap = false;
        synchronized (this) {
            reading = false;
            if (closed) {
                return false;
            }
            long expected = from + 1;
            for (Frame row : rows) {
                if (row.id() != expected) {
                    // Ids are dense per client; a hole means retention removed rows under this replay.
                    // End the stream: the reconnect with Last-Event-ID gets RESYNC.
                    gap = true;
                    break;
                }
                expected++;
                if (row.id() <= cursor) {
                    continue; // Already queued: never a duplicate at the seam.
                }
                queue.add(row);
                cursor = row.id();
            }
            maxDepth = Math.max(maxDepth, queue.size());
            if (gap) {
                completeWhenDrained = true;
            }
        }
        if (gap) {
            hub.gapInReplay(this, from);
        }
        return !gap && rows.size() < asked;
    }

    /** Ends the stream after the frames already queued (used for gaps and shutdown). */
    void finish() {
        synchronized (this) {
            completeWhenDrained = true;
        }
        scheduleDrain();
    }

    /**
     * Drops what is queued and completes the stream now. A connection that takes no data cannot take the
     * response's end either, so it is closed if it is still open {@code closeAfterMillis} later.
     */
    void cutOff(long closeAfterMillis) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
        }
        StreamOutput o = output;
        if (o != null) {
            o.complete();
            o.closeLater(closeAfterMillis);
        }
    }

    void failed(Throwable error) {
        synchronized (this) {
            reading = false;
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
        }
        StreamOutput o = output;
        if (o != null) {
            // A failed replay read ends the stream; the client resumes from its last id.
            o.complete();
        }
    }

    void disposed() {
        synchronized (this) {
            closed = true;
            queue.clear();
        }
    }

    /** Drains on the connection's event loop (at most one pending hand-over at a time). */
    void scheduleDrain() {
        StreamOutput o = output;
        if (o != null && drainScheduled.compareAndSet(false, true)) {
            o.execute(this::scheduledDrain);
        }
    }

    private void scheduledDrain() {
        drainScheduled.set(false);
        drain();
    }

    /** Writes as many queued frames as the connection asks for; schedules the next replay page. */
    void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            StreamOutput s = output;
            if (s != null && !closed) {
                while (s.ready()) {
                    Frame frame;
                    synchronized (this) {
                        frame = queue.poll();
                        blockedSinceNanos = 0;
                    }
                    if (frame == null) {
                        break;
                    }
                    s.write(frame);
                    hub.sent(frame);
                }
                s.flush();
                boolean complete;
                synchronized (this) {
                    if (queue.isEmpty()) {
                        blockedSinceNanos = 0;
                    } else if (blockedSinceNanos == 0) {
                        blockedSinceNanos = Math.max(1, System.nanoTime());
                    }
                    complete = completeWhenDrained && queue.isEmpty() && !closed;
                    if (complete) {
                        closed = true;
                    }
                }
                if (complete) {
                    s.complete();
                } else {
                    int page = claimPage(hub.fetchBatch());
                    if (page > 0) {
                        hub.readPage(this, page);
                    }
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }
}
