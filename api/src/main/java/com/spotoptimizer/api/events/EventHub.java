package com.spotoptimizer.api.events;

import com.spotoptimizer.db.event.EventReader;
import com.spotoptimizer.db.event.StreamPosition;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

/**
 * This replica's event streams. Events are rows; the hub only decides which rows each open stream gets
 * next. It admits streams (the connection cap, the client's position, the resume point or RESYNC) and
 * starts them; the rest is in one class per job: {@link SubscriberRegistry} (who listens),
 * {@link ClientChannel} (one client's shared fan-out), {@link Subscriber} (one stream's cursor and
 * bounded queue), {@link ReplayReads} (catch-up pages), {@link StreamTimers} (polling backstop,
 * slow-subscriber check, HEARTBEAT). Wake-ups come from the LISTEN connection
 * ({@link EventNotificationListener}) and from the polling backstop, so nothing depends on a NOTIFY
 * arriving.
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
    private final AtomicInteger connections;
    private final SubscriberRegistry registry = new SubscriberRegistry(this);
    private final ReplayReads replay;
    private final SharedReads<String, StreamPosition> positions;
    private final StreamTimers timers = new StreamTimers(this);

    public EventHub(EventReader reader, EventsProperties properties, EventMetrics metrics, Clock clock) {
        this.reader = reader;
        this.properties = properties;
        this.metrics = metrics;
        this.clock = clock;
        this.connections = metrics.connections();
        this.replay = new ReplayReads(reader, registry);
        this.positions = new SharedReads<>(clientId -> reader.position(clientId).toFuture());
    }

    /**
     * The stream of one client's events after {@code resumeAfter} (null: from now on), as a Flux (for
     * tests and tools; the HTTP endpoint writes to its connection directly, see {@link EventStreamHandoff}).
     * Errors before the first frame: 503 over the connection cap, 404 for an unknown client.
     */
    public Flux<ServerSentEvent<String>> stream(String clientId, Long resumeAfter) {
        return admit(clientId, resumeAfter).flatMapMany(this::stream);
    }

    /** An admitted stream as a Flux. */
    Flux<ServerSentEvent<String>> stream(StreamOpening opening) {
        return Flux.<ServerSentEvent<String>>create(sink -> {
            Subscriber subscriber = subscriber(opening);
            subscriber.attach(new SinkOutput(sink));
            sink.onRequest(n -> subscriber.drain());
            sink.onDispose(() -> detach(subscriber));
            start(subscriber, opening);
        }, FluxSink.OverflowStrategy.ERROR).doFinally(signal -> opening.release());
    }

    /**
     * Admits a stream: takes a connection slot (503 over the cap), reads the client's position (404 for
     * an unknown client) and decides where the stream starts. The slot is held until the opening is
     * released (by its subscriber's end, or by whoever drops it unstarted).
     */
    Mono<StreamOpening> admit(String clientId, Long resumeAfter) {
        return Mono.defer(() -> {
            if (connections.incrementAndGet() > properties.maxConnections()) {
                connections.decrementAndGet();
                metrics.cutOff(EventMetrics.CAPACITY);
                return Mono.error(StreamProblems.overCapacity(properties.maxConnections()));
            }
            AtomicInteger slot = new AtomicInteger(1);
            Runnable giveBack = () -> {
                if (slot.getAndSet(0) == 1) {
                    connections.decrementAndGet();
                }
            };
            // Through a future: a stream lives for hours, and chaining it straight onto the query would keep
            // the query's whole (completed) subscriber chain reachable for that long. The read is shared with
            // the client's other admissions of the moment (SharedReads).
            return Mono.fromFuture(positions.read(clientId))
                    .switchIfEmpty(Mono.error(() -> StreamProblems.unknownClient(clientId)))
                    .map(position -> {
                        slot.set(0); // The opening owns the slot from here.
                        return opening(position, resumeAfter);
                    })
                    .doOnError(e -> giveBack.run())
                    .doOnCancel(giveBack);
        });
    }

    /**
     * Admission for the direct connect path ({@link StreamConnect}): the same decision as {@link #admit},
     * but every case that is not a plain acceptance (over the cap, unknown client, the read failed)
     * completes with null, so that the caller hands the request to the regular path, which answers it
     * (and counts a capacity cutoff) exactly as before.
     */
    CompletableFuture<StreamOpening> tryAdmit(String clientId, Long resumeAfter) {
        if (connections.incrementAndGet() > properties.maxConnections()) {
            connections.decrementAndGet();
            return CompletableFuture.completedFuture(null);
        }
        return positions.read(clientId).handle((position, error) -> {
            if (error != null || position == null) {
                connections.decrementAndGet();
                return null;
            }
            return opening(position, resumeAfter);
        });
    }

    private StreamOpening opening(StreamPosition position, Long resumeAfter) {
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
        return new StreamOpening(position.clientId(), cursor, position.lastEventId(), first, connections);
    }

    /** The subscriber of an admitted stream; give it an output, then {@link #start} it. */
    Subscriber subscriber(StreamOpening opening) {
        return new Subscriber(this, opening.clientId(), properties.subscriberQueue(), opening.cursor(), opening.first(),
                opening::release);
    }

    /** Registers a subscriber that has its output: it writes its first frames and catches up or goes live. */
    void start(Subscriber subscriber, StreamOpening opening) {
        ClientChannel channel = registry.register(subscriber, opening.knownHead());
        if (subscriber.isClosed()) {
            detach(subscriber); // Cancelled while registering.
            return;
        }
        subscriber.scheduleDrain();
        // The admission read a newer position than the fan-out has reached (its NOTIFY is on the way):
        // read now. Otherwise there is nothing new to read (a connect burst would read the table once per
        // wave of connects for nothing); NOTIFY and polling wake the channel for what comes next.
        if (opening.knownHead() > channel.head()) {
            channel.wake();
        }
    }

    /** The stream has ended (completed, cancelled, connection gone): forget it and free its slot. */
    void detach(Subscriber subscriber) {
        registry.detach(subscriber);
        subscriber.ended();
    }

    /** A NOTIFY for this client (or any other reason to look): read what is new, if anyone listens here. */
    public void wake(String clientId) {
        ClientChannel channel = registry.channel(clientId);
        if (channel != null) {
            channel.wake();
        }
    }

    /** Look at every client with open streams (after the LISTEN connection was down, say). */
    public void wakeAll() {
        registry.forEachChannel(ClientChannel::wake);
    }

    /** The polling backstop: one query for all clients with open streams; wake those that moved. */
    public Mono<Void> poll() {
        if (registry.isEmpty()) {
            return Mono.empty();
        }
        return reader.lastEventIds(registry.clientIds())
                .doOnNext(last -> last.forEach((clientId, lastEventId) -> {
                    ClientChannel channel = registry.channel(clientId);
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
        registry.forEachSubscriber(subscriber -> {
            if (subscriber.blockedLongerThan(now, timeout)) {
                cutOffSlow(subscriber);
            }
        });
    }

    /** One HEARTBEAT frame, shared, into every stream whose queue is empty. */
    public void heartbeat() {
        Frame frame = Frame.heartbeat(clock.instant());
        registry.forEachSubscriber(subscriber -> {
            subscriber.offerHeartbeat(frame);
            subscriber.scheduleDrain();
        });
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

    void readPage(Subscriber subscriber, int page) {
        replay.readPage(subscriber, page);
    }

    void gapInReplay(Subscriber subscriber, long after) {
        replay.gapInReplay(subscriber, after);
    }

    void cutOffSlow(Subscriber subscriber) {
        if (!subscriber.isClosed()) {
            registry.noteDepth(subscriber);
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
        return registry.openConnections(clientId);
    }

    /** The deepest any subscriber's queue has been on this replica (never above {@code subscriber-queue}). */
    public int maxQueueDepth() {
        return registry.maxQueueDepth();
    }

    public EventsProperties properties() {
        return properties;
    }

    // --- lifecycle ---

    @Override
    public void start() {
        timers.start();
    }

    /**
     * Ends every stream at once, so the server's graceful shutdown does not wait on them; clients
     * reconnect with Last-Event-ID (to another replica if this one is going away) and lose nothing.
     */
    @Override
    public void stop() {
        timers.stop();
        registry.forEachSubscriber(subscriber -> subscriber.cutOff(-1));
    }

    @Override
    public boolean isRunning() {
        return timers.isRunning();
    }
}
