package com.spotoptimizer.api.events;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An admitted stream, before it has a connection to write to: its client, where it starts (its
 * cursor), the channel head known at admission, and its first frames (the opening comment, maybe
 * RESYNC). It holds one of the replica's {@code max-connections} slots until {@link #release()}.
 */
final class StreamOpening {

    private final String clientId;
    private final long cursor;
    private final long knownHead;
    private final List<Frame> first;
    private final AtomicInteger connections;
    private final AtomicBoolean released = new AtomicBoolean();

    StreamOpening(String clientId, long cursor, long knownHead, List<Frame> first, AtomicInteger connections) {
        this.clientId = clientId;
        this.cursor = cursor;
        this.knownHead = knownHead;
        this.first = first;
        this.connections = connections;
    }

    String clientId() {
        return clientId;
    }

    long cursor() {
        return cursor;
    }

    long knownHead() {
        return knownHead;
    }

    List<Frame> first() {
        return first;
    }

    /** Gives the connection slot back; only the first call counts. */
    void release() {
        if (released.compareAndSet(false, true)) {
            connections.decrementAndGet();
        }
    }
}
