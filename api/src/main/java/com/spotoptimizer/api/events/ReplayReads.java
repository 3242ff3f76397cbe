package com.spotoptimizer.api.events;

import com.spotoptimizer.db.event.EventReader;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catch-up reads: a subscriber behind the fan-out reads the events table from its own cursor, one page
 * at a time (as large as its queue has room for), until a short page finds it at the channel's head,
 * where it joins the fan-out. A page that comes back empty below the head means retention removed rows
 * under the replay: the stream ends, and its reconnect gets RESYNC.
 */
final class ReplayReads {

    private static final Logger log = LoggerFactory.getLogger(ReplayReads.class);

    private final SubscriberRegistry registry;
    /**
     * Pages shared by the subscribers that ask for the same one at about the same time (a reconnect storm
     * resumes thousands of streams from the same id): one query, and frames built once.
     */
    private final SharedReads<Page, List<Frame>> pages;

    /** A replay page: a client's events after {@code after}, at most {@code limit} of them. */
    private record Page(String clientId, long after, int limit) {
    }

    ReplayReads(EventReader reader, SubscriberRegistry registry) {
        this.registry = registry;
        this.pages = new SharedReads<>(page -> reader.after(page.clientId(), page.after(), page.limit())
                .map(row -> Frame.of(row, false)).collectList().toFuture());
    }

    /** Reads the next replay page (at most {@code page} rows) for a subscriber that is catching up. */
    void readPage(Subscriber subscriber, int page) {
        long from = subscriber.readFrom();
        ClientChannel before = registry.channel(subscriber.clientId());
        // Rows up to the fan-out's head were committed before this read starts, so the read must see them
        // (a shared read starts after this call too).
        long headBefore = before == null ? from : before.head();
        pages.read(new Page(subscriber.clientId(), from, page)).whenComplete((rows, error) -> {
            if (error != null) {
                log.warn("Replay read failed client_id={} after={} error={}", subscriber.clientId(), from, error.toString());
                subscriber.failed(error);
                return;
            }
            replayed(subscriber, from, page, headBefore, rows);
        });
    }

    private void replayed(Subscriber subscriber, long from, int page, long headBefore, List<Frame> rows) {
        boolean exhausted = subscriber.caughtUp(from, page, rows);
        if (exhausted) {
            ClientChannel channel = registry.channel(subscriber.clientId());
            boolean live = channel != null && channel.tryGoLive(subscriber);
            if (!live && rows.isEmpty() && from < headBefore) {
                // Rows the fan-out already read are gone: retention removed them under this replay.
                gapInReplay(subscriber, from);
                subscriber.finish();
                return;
            }
        }
        subscriber.scheduleDrain();
    }

    void gapInReplay(Subscriber subscriber, long after) {
        log.info("Replay met pruned events; ending the stream so it resumes with RESYNC client_id={} after={}",
                subscriber.clientId(), after);
    }
}
