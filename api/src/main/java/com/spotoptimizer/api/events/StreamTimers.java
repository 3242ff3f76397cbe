package com.spotoptimizer.api.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The hub's clocks: every {@code poll-interval} the slow-subscriber check and the polling backstop (one
 * query at a time; a tick that finds the previous query still running is dropped), every
 * {@code heartbeat-interval} the HEARTBEAT ticker.
 */
final class StreamTimers {

    private static final Logger log = LoggerFactory.getLogger(StreamTimers.class);

    private final EventHub hub;
    private volatile Disposable running;

    StreamTimers(EventHub hub) {
        this.hub = hub;
    }

    void start() {
        EventsProperties properties = hub.properties();
        Disposable poll = Flux.interval(properties.pollInterval(), properties.pollInterval())
                .onBackpressureDrop()
                .doOnNext(tick -> hub.reapSlow())
                .concatMap(tick -> hub.poll().onErrorResume(e -> {
                    log.warn("Event poll failed error={}", e.toString());
                    return Mono.empty();
                }), 1)
                .subscribe();
        Disposable beat = Flux.interval(properties.heartbeatInterval(), properties.heartbeatInterval())
                .onBackpressureDrop()
                .subscribe(tick -> hub.heartbeat());
        running = Disposables.composite(poll, beat);
    }

    void stop() {
        Disposable t = running;
        running = null;
        if (t != null) {
            t.dispose();
        }
    }

    boolean isRunning() {
        return running != null;
    }
}
