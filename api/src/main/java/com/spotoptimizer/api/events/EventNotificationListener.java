package com.spotoptimizer.api.events;

import com.spotoptimizer.db.event.EventAppender;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.postgresql.api.PostgresqlResult;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * LISTEN on one dedicated connection per replica, outside the pool. A NOTIFY (payload: the client id)
 * only wakes that client's channel; it carries no data, so a lost one costs at most the polling
 * interval. r2dbc-postgresql drops notifications nobody has demand for and never re-LISTENs on a new
 * connection, so: the notifications are buffered right at the source, the connection is probed, and
 * after any failure a new connection is opened with backoff, LISTEN is issued again, and every channel
 * is woken to catch up on what arrived meanwhile.
 */
@Component
public class EventNotificationListener implements SmartLifecycle {

    public static final String APPLICATION_NAME = "spot-events-listener";

    private static final Logger log = LoggerFactory.getLogger(EventNotificationListener.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    private final PostgresqlConnectionFactory factory;
    private final EventHub hub;
    private final EventsProperties properties;
    private final AtomicInteger attempt = new AtomicInteger();
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong notifications = new AtomicLong();
    private volatile boolean listening;
    private volatile Disposable running;

    @Autowired
    public EventNotificationListener(R2dbcConnectionDetails connection, EventHub hub, EventsProperties properties) {
        this(connection.getConnectionFactoryOptions(), hub, properties);
    }

    public EventNotificationListener(ConnectionFactoryOptions options, EventHub hub, EventsProperties properties) {
        ConnectionFactoryOptions dedicated = options.mutate()
                .option(PostgresqlConnectionFactoryProvider.APPLICATION_NAME, APPLICATION_NAME)
                .option(PostgresqlConnectionFactoryProvider.TCP_KEEPALIVE, true)
                .build();
        this.factory = new PostgresqlConnectionFactoryProvider().create(dedicated);
        this.hub = hub;
        this.properties = properties;
    }

    @Override
    public void start() {
        running = Mono.defer(this::session)
                .onErrorResume(this::backoff)
                .repeat()
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable r = running;
        running = null;
        listening = false;
        if (r != null) {
            r.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running != null;
    }

    /** True while a LISTEN connection is up. */
    public boolean isListening() {
        return listening;
    }

    /** How many times LISTEN has been issued (1 + reconnects). */
    public long sessions() {
        return sessions.get();
    }

    public long notificationsReceived() {
        return notifications.get();
    }

    /** One connection's life: LISTEN, turn notifications into wake-ups, probe; ends with an error. */
    private Mono<Void> session() {
        return Mono.usingWhen(factory.create(), this::listen, PostgresqlConnection::close,
                (connection, error) -> connection.close(), PostgresqlConnection::close);
    }

    private Mono<Void> listen(PostgresqlConnection connection) {
        // Subscribe to notifications before LISTEN, so none between the two is missed.
        Flux<Void> wakeUps = connection.getNotifications()
                .onBackpressureBuffer(4096, dropped -> { }, BufferOverflowStrategy.DROP_OLDEST)
                .doOnNext(notification -> {
                    notifications.incrementAndGet();
                    String clientId = notification.getParameter();
                    if (clientId != null) {
                        hub.wake(clientId);
                    }
                })
                .thenMany(Flux.error(() -> new IllegalStateException("notification stream ended")));
        Mono<Void> subscribe = connection.createStatement("LISTEN " + EventAppender.CHANNEL).execute()
                .flatMap(PostgresqlResult::getRowsUpdated)
                .then(Mono.fromRunnable(() -> {
                    listening = true;
                    attempt.set(0);
                    long n = sessions.incrementAndGet();
                    if (n > 1) {
                        log.info("Re-established LISTEN channel={} session={}", EventAppender.CHANNEL, n);
                    }
                    hub.wakeAll(); // Whatever was committed while nobody listened.
                }));
        Flux<Void> probe = Flux.interval(properties.listenCheckInterval())
                .onBackpressureDrop()
                .concatMap(tick -> connection.createStatement("SELECT 1").execute()
                        .flatMap(PostgresqlResult::getRowsUpdated).then()
                        .timeout(PROBE_TIMEOUT), 1);
        return Flux.merge(wakeUps, subscribe.thenMany(Flux.never()), probe).then();
    }

    private Mono<Void> backoff(Throwable error) {
        listening = false;
        int n = attempt.getAndIncrement();
        long max = properties.listenReconnectMax().toMillis();
        long delay = Math.min(max, FIRST_BACKOFF.toMillis() << Math.min(n, 16));
        delay = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
        log.warn("LISTEN connection lost; reconnecting in {} ms attempt={} error={}", delay, n + 1, error.toString());
        return Mono.delay(Duration.ofMillis(delay)).then();
    }
}
