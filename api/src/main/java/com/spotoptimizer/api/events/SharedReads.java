package com.spotoptimizer.api.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One read for every caller that asks for the same key at about the same time: at most one read per key
 * is in flight, and the callers that ask meanwhile wait for the next one, which starts after all of them
 * asked. So each caller still gets a read that started after it asked (what it would have got from a read
 * of its own, or newer), while a burst of N asks costs a handful of reads instead of N.
 *
 * <p>Used for a client's stream position at admission ({@code clients.last_event_id},
 * {@code pruned_through_id}: a stream without resume point starts at a position at least as new as its
 * request; a resume point is checked against such a position), and for replay pages (streams resuming
 * from the same point after a reconnect storm read each page once, and share its frames).
 */
final class SharedReads<K, V> {

    private final Function<K, CompletableFuture<V>> read;
    private final Map<K, Pending<V>> keys = new ConcurrentHashMap<>();

    /** The callers waiting for the key's next read, and whether one is running. Guarded by the map. */
    private static final class Pending<V> {
        List<CompletableFuture<V>> waiting = new ArrayList<>();
        boolean running;
    }

    SharedReads(Function<K, CompletableFuture<V>> read) {
        this.read = read;
    }

    /** The value (null if the read found nothing), from a read that starts after this call. */
    CompletableFuture<V> read(K key) {
        CompletableFuture<V> value = new CompletableFuture<>();
        @SuppressWarnings("unchecked")
        Pending<V>[] start = new Pending[1];
        keys.compute(key, (id, pending) -> {
            Pending<V> p = pending != null ? pending : new Pending<>();
            p.waiting.add(value);
            if (!p.running) {
                p.running = true;
                start[0] = p;
            }
            return p;
        });
        if (start[0] != null) {
            run(key, start[0]);
        }
        return value;
    }

    private void run(K key, Pending<V> pending) {
        @SuppressWarnings("unchecked")
        List<CompletableFuture<V>>[] batch = new List[1];
        keys.compute(key, (id, p) -> {
            batch[0] = p.waiting;
            p.waiting = new ArrayList<>();
            return p;
        });
        CompletableFuture<V> query;
        try {
            query = read.apply(key);
        } catch (RuntimeException e) {
            query = CompletableFuture.failedFuture(e);
        }
        query.whenComplete((result, error) -> {
            boolean[] again = new boolean[1];
            keys.compute(key, (id, p) -> {
                if (p.waiting.isEmpty()) {
                    return null; // Nobody else asked: forget the key.
                }
                again[0] = true;
                return p;
            });
            if (again[0]) {
                run(key, pending);
            }
            for (CompletableFuture<V> waiter : batch[0]) {
                if (error != null) {
                    waiter.completeExceptionally(error);
                } else {
                    waiter.complete(result);
                }
            }
        });
    }
}
