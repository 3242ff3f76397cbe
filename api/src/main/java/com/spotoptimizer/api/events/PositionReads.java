package com.spotoptimizer.api.events;

import com.spotoptimizer.db.event.StreamPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A client's stream position ({@code clients.last_event_id}, {@code pruned_through_id}) for admissions,
 * read once for every stream of that client that asks at about the same time: at most one read per client
 * is in flight, and the admissions that ask meanwhile wait for the next one, which starts after all of
 * them asked. So each admission still gets a position read after it arrived (a stream without resume
 * point starts at a position at least as new as its request; a resume point is checked against such a
 * position), while a burst of N connects for one client costs a handful of queries instead of N.
 */
final class PositionReads {

    private final Function<String, CompletableFuture<StreamPosition>> read;
    private final Map<String, Pending> clients = new ConcurrentHashMap<>();

    /** The admissions waiting for the client's next read, and whether one is running. Guarded by the map. */
    private static final class Pending {
        List<CompletableFuture<StreamPosition>> waiting = new ArrayList<>();
        boolean running;
    }

    PositionReads(Function<String, CompletableFuture<StreamPosition>> read) {
        this.read = read;
    }

    /** The client's position (null for an unknown client), from a read that starts after this call. */
    CompletableFuture<StreamPosition> read(String clientId) {
        CompletableFuture<StreamPosition> position = new CompletableFuture<>();
        Pending[] start = new Pending[1];
        clients.compute(clientId, (id, pending) -> {
            Pending p = pending != null ? pending : new Pending();
            p.waiting.add(position);
            if (!p.running) {
                p.running = true;
                start[0] = p;
            }
            return p;
        });
        if (start[0] != null) {
            run(clientId, start[0]);
        }
        return position;
    }

    private void run(String clientId, Pending pending) {
        @SuppressWarnings("unchecked")
        List<CompletableFuture<StreamPosition>>[] batch = new List[1];
        clients.compute(clientId, (id, p) -> {
            batch[0] = p.waiting;
            p.waiting = new ArrayList<>();
            return p;
        });
        CompletableFuture<StreamPosition> query;
        try {
            query = read.apply(clientId);
        } catch (RuntimeException e) {
            query = CompletableFuture.failedFuture(e);
        }
        query.whenComplete((position, error) -> {
            boolean[] again = new boolean[1];
            clients.compute(clientId, (id, p) -> {
                if (p.waiting.isEmpty()) {
                    return null; // Nobody else asked: forget the client.
                }
                again[0] = true;
                return p;
            });
            if (again[0]) {
                run(clientId, pending);
            }
            for (CompletableFuture<StreamPosition> waiter : batch[0]) {
                if (error != null) {
                    waiter.completeExceptionally(error);
                } else {
                    waiter.complete(position);
                }
            }
        });
    }
}
