package com.spotoptimizer.api.events;

import com.spotoptimizer.db.event.EventReader;
import com.spotoptimizer.db.event.StreamPosition;
import io.netty.channel.Channel;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

/**
 * This replica's event streams. Events are rows; this hub only decides which rows each open stream
 * gets next. Per client it keeps one {@link ClientChannel} (a shared read per wake-up, offered to each
 * live subscriber's bounded queue); per stream one {@link Subscriber} (own cursor, own queue, replays
 * by itself until it reaches the channel). Wake-ups come from the LISTEN connection
 * ({@link EventNotificationListener}) and from a polling backstop here, so nothing depends on a NOTIFY
 * arriving. A single ticker writes HEARTBEAT to every stream; that write is also what notices a dead
 * client.
 */
@Component
public class EventHub implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventHub.class);
    /** A cut-off connection that has not taken the stream's end by then is closed. */
    private static final long SLOW_CLOSE_GRACE_MILLIS = 5_000;

    private final EventReader reader;
    private final EventsProperties properties;
    private final EventMetrics metrics;
    private final Clock clock;
    private final Map<String, ClientChannel> channels = new ConcurrentHashMap<>();
    private final AtomicInteger connections;
    private final AtomicInteger maxQueueDepth = new AtomicInteger();
    private volatile Disposable timers;

    public EventHub(EventReader reader, EventsProperties properties, EventMetrics metrics, Clock clock) {
        this.reader = reader;
        this.properties = properties;
        this.metrics = metrics;
        this.clock = clock;
        this.connections = metrics.connections();
    }

    /**
     * The stream of one client's events after {@code resumeAfter} (null: from now on). Errors before
     * the first frame: 503 over the connection cap, 404 for an unknown client.
     */
    public Flux<ServerSentEvent<String>> stream(String clientId, Long resumeAfter) {
        return stream(clientId, resumeAfter, null);
    }

    /**
     * As {@link #stream(String, Long)}, for a stream written to {@code connection} (a Reactor Netty
     * channel): frames are written from its event loop, and a cut-off connection that does not take the
     * stream's end is closed. Null: whichever thread has the frames writes them.
     */
    public Flux<ServerSentEvent<String>> stream(String clientId, Long resumeAfter, Channel connection) {
        return Flux.defer(() -> {
            if (connections.incrementAndGet() > properties.maxConnections()) {
                connections.decrementAndGet();
                metrics.cutOff(EventMetrics.CAPACITY);
                return Flux.error(StreamProblems.overCapacity(properties.maxConnections()));
            }
            // Through a future: a stream lives for hours, and chaining it straight onto the query would keep
            // the query's whole (completed) subscriber chain reachable for that long.
            return Mono.fromFuture(reader.position(clientId).toFuture())
                    .switchIfEmpty(Mono.error(() -> StreamProblems.unknownClient(clientId)))
                    .flatMapMany(position -> open(position, resumeAfter, connection))
                    .doFinally(signal -> connections.decrementAndGet());
        });
    }

    private Flux<ServerSentEvent<String>> open(StreamPosition position, Long resumeAfter, Channel connection) {
        Instant now = clock.instant();
        List<Frame> first = new ArrayList<>(2);
        first.add(Frame.opened());
        long cursor;
        if (resumeAfter == null) {
            cursor = position.lastEventId();
        } else if (position.isPrunedAfter(resumeAfter)) {
            cursor = position.lastEventId();
            first.add(Frame.resync(cursor, "events after " + resumeAfter + " up to " + position.prunedThroughId()
                    + " are past retention; re-list, then watch from the list's last_event_id", now));
        } else if (resumeAfter > position.lastEventId()) {
            cursor = position.lastEventId();
            first.add(Frame.resync(cursor, "resume point " + resumeAfter + " is ahead of this stream (last event id "
                    + cursor + "); re-list, then watch from the list's last_event_id", now));
        } else {
            cursor = resumeAfter;
        }
        long start = cursor;
        return Flux.<ServerSentEvent<String>>create(sink -> {
            Subscriber subscriber = new Subscriber(this, position.clientId(), properties.subscriberQueue(), start, first, connection);
            subscriber.attach(sink);
            sink.onRequest(n -> subscriber.drain());
            sink.onDispose(() -> detach(subscriber));
            ClientChannel channel = register(subscriber, position.lastEventId());
            if (subscriber.isClosed()) {
                detach(subscriber); // Cancelled while registering.
                return;
            }
            subscriber.drain();
            channel.wake();
        }, FluxSink.OverflowStrategy.ERROR);
    }

    private ClientChannel register(Subscriber subscriber, long knownHead) {
        return channels.compute(subscriber.clientId(), (clientId, channel) -> {
            ClientChannel c = channel != null ? channel : new ClientChannel(this, clientId, knownHead);
            c.add(subscriber);
            return c;
        });
    }

    private void detach(Subscriber subscriber) {
        subscriber.disposed();
        maxQueueDepth.accumulateAndGet(subscriber.maxDepth(), Math::max);
        channels.computeIfPresent(subscriber.clientId(), (clientId, channel) -> channel.remove(subscriber) ? null : channel);
    }

    /** A NOTIFY for this client (or any other reason to look): read what is new, if anyone listens here. */
    public void wake(String clientId) {
        ClientChannel channel = channels.get(clientId);
        if (channel != null) {
            channel.wake();
        }
    }

    /** Look at every client with open streams (after the LISTEN connection was down, say). */
    public void wakeAll() {
        channels.values().forEach(ClientChannel::wake);
    }

    /** The polling backstop: one query for all clients with open streams; wake those that moved. */
    public Mono<Void> poll() {
        if (channels.isEmpty()) {
            return Mono.empty();
        }
        return reader.lastEventIds(new ArrayList<>(channels.keySet()))
                .doOnNext(last -> last.forEach((clientId, lastEventId) -> {
                    ClientChannel channel = channels.get(clientId);
                    if (channel != null && lastEventId > channel.head()) {
                        channel.wake();
                    }
                }))
                .then();
    }

    /** Cuts off every subscriber whose waiting frames the connection has not taken for the slow timeout. */
    public void reapSlow() {
        long now = System.nanoTime();
        long timeout = properties.slowSubscriberTimeout().toNanos();
        for (ClientChannel channel : channels.values()) {
            for (Subscriber subscriber : channel.subscribers()) {
                if (subscriber.blockedLongerThan(now, timeout)) {
                    cutOffSlow(subscriber);
                }
            }
        }
    }

    /** One HEARTBEAT frame, shared, into every stream whose queue is empty. */
    public void heartbeat() {
        Frame frame = Frame.heartbeat(clock.instant());
        for (ClientChannel channel : channels.values()) {
            for (Subscriber subscriber : channel.subscribers()) {
                subscriber.offerHeartbeat(frame);
                subscriber.scheduleDrain();
            }
        }
    }

    // --- called by subscribers and channels ---

    EventReader reader() {
        return reader;
    }

    int fetchBatch() {
        return properties.fetchBatch();
    }

    Instant now() {
        return clock.instant();
    }

    void sent(Frame frame) {
        if (frame.event()) {
            metrics.delivered(frame.occurredAt(), frame.live(), clock.millis());
        }
    }

    /** Reads the next replay page for a subscriber that is catching up. */
    void readPage(Subscriber subscriber, int page) {
        long from = subscriber.readFrom();
        ClientChannel before = channels.get(subscriber.clientId());
        // Rows up to the fan-out's head were committed before this read starts, so the read must see them.
        long headBefore = before == null ? from : before.head();
        reader.after(subscriber.clientId(), from, page).collectList().subscribe(
                rows -> {
                    boolean exhausted = subscriber.caughtUp(from, page, rows);
                    if (exhausted) {
                        ClientChannel channel = channels.get(subscriber.clientId());
                        boolean live = channel != null && channel.tryGoLive(subscriber);
                        if (!live && rows.isEmpty() && from < headBefore) {
                            // Rows the fan-out already read are gone: retention removed them under this replay.
                            gapInReplay(subscriber, from);
                            subscriber.finish();
                            return;
                        }
                    }
                    subscriber.scheduleDrain();
                },
                error -> {
                    log.warn("Replay read failed client_id={} after={} error={}", subscriber.clientId(), from, error.toString());
                    subscriber.failed(error);
                });
    }

    void gapInReplay(Subscriber subscriber, long after) {
        log.info("Replay met pruned events; ending the stream so it resumes with RESYNC client_id={} after={}",
                subscriber.clientId(), after);
    }

    void cutOffSlow(Subscriber subscriber) {
        if (!subscriber.isClosed()) {
            maxQueueDepth.accumulateAndGet(subscriber.maxDepth(), Math::max);
            metrics.cutOff(EventMetrics.SLOW);
            log.info("Cut off a slow subscriber client_id={} cursor={} queue={}", subscriber.clientId(),
                    subscriber.cursor(), properties.subscriberQueue());
            subscriber.cutOff(SLOW_CLOSE_GRACE_MILLIS);
        }
    }

    // --- stats ---

    public int openConnections() {
        return connections.get();
    }

    public int openConnections(String clientId) {
        ClientChannel channel = channels.get(clientId);
        return channel == null ? 0 : channel.size();
    }

    /** The deepest any subscriber's queue has been on this replica (never above {@code subscriber-queue}). */
    public int maxQueueDepth() {
        int deepest = maxQueueDepth.get();
        for (ClientChannel channel : channels.values()) {
            for (Subscriber subscriber : channel.subscribers()) {
                deepest = Math.max(deepest, subscriber.maxDepth());
            }
        }
        return deepest;
    }

    public EventsProperties properties() {
        return properties;
    }

    // --- lifecycle: the polling backstop and the heartbeat ticker ---

    @Override
    public void start() {
        Disposable poll = Flux.interval(properties.pollInterval(), properties.pollInterval())
                .onBackpressureDrop()
                .doOnNext(tick -> reapSlow())
                .concatMap(tick -> poll().onErrorResume(e -> {
                    log.warn("Event poll failed error={}", e.toString());
                    return Mono.empty();
                }), 1)
                .subscribe();
        Disposable beat = Flux.interval(properties.heartbeatInterval(), properties.heartbeatInterval())
                .onBackpressureDrop()
                .subscribe(tick -> heartbeat());
        timers = Disposables.composite(poll, beat);
    }

    /**
     * Ends every stream at once, so the server's graceful shutdown does not wait on them; clients
     * reconnect with Last-Event-ID (to another replica if this one is going away) and lose nothing.
     */
    @Override
    public void stop() {
        Disposable t = timers;
        timers = null;
        if (t != null) {
            t.dispose();
        }
        for (ClientChannel channel : channels.values()) {
            channel.subscribers().forEach(subscriber -> subscriber.cutOff(-1));
        }
    }

    @Override
    public boolean isRunning() {
        return timers != null;
    }
}
