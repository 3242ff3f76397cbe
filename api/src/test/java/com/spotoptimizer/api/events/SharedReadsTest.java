package com.spotoptimizer.api.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.db.event.StreamPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Admissions of one client share position reads, and each gets a read that started after it asked. */
class SharedReadsTest {

    private final List<String> reads = new ArrayList<>();
    private final List<CompletableFuture<StreamPosition>> running = new ArrayList<>();
    private final SharedReads<String, StreamPosition> positions = new SharedReads<>(clientId -> {
        reads.add(clientId);
        CompletableFuture<StreamPosition> read = new CompletableFuture<>();
        running.add(read);
        return read;
    });

    private static StreamPosition at(long lastEventId) {
        return new StreamPosition("acme", lastEventId, 0);
    }

    @Test
    void askersDuringARunningReadWaitForTheNextOneAndShareIt() {
        CompletableFuture<StreamPosition> first = positions.read("acme");
        assertThat(reads).hasSize(1);
        // Asked while the first read runs: its snapshot may predate them, so they wait for the next.
        List<CompletableFuture<StreamPosition>> later = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            later.add(positions.read("acme"));
        }
        assertThat(reads).as("one read at a time per client").hasSize(1);

        running.get(0).complete(at(5));
        assertThat(first.join().lastEventId()).isEqualTo(5);
        assertThat(later).noneMatch(CompletableFuture::isDone);
        assertThat(reads).as("the next read starts when the first ends").hasSize(2);

        running.get(1).complete(at(7));
        assertThat(later).allSatisfy(f -> assertThat(f.join().lastEventId()).isEqualTo(7));
        assertThat(reads).hasSize(2);

        // Idle again: the next asker starts a read at once.
        CompletableFuture<StreamPosition> again = positions.read("acme");
        assertThat(reads).hasSize(3);
        running.get(2).complete(null);
        assertThat(again.join()).as("unknown client").isNull();
    }

    @Test
    void clientsAreReadIndependentlyAndFailuresReachEveryWaiter() {
        CompletableFuture<StreamPosition> acme = positions.read("acme");
        CompletableFuture<StreamPosition> rival = positions.read("rival");
        CompletableFuture<StreamPosition> acme2 = positions.read("acme");
        assertThat(reads).containsExactly("acme", "rival");
        running.get(0).completeExceptionally(new IllegalStateException("connection reset"));
        assertThat(acme).isCompletedExceptionally();
        assertThat(acme2).isNotDone();
        running.get(2).completeExceptionally(new IllegalStateException("connection reset"));
        assertThat(acme2).isCompletedExceptionally();
        running.get(1).complete(new StreamPosition("rival", 3, 0));
        assertThat(rival.join().lastEventId()).isEqualTo(3);
    }
}
