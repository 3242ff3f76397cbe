package com.spotoptimizer.api.system;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A job every replica runs on a fixed period, one pass at a time (a slow pass delays the next rather
 * than overlapping it), started and stopped with the application. A failed pass is logged and the next
 * one runs as planned.
 */
public abstract class PeriodicJob implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicJob.class);

    private volatile Disposable running;

    protected abstract String name();

    protected abstract Duration firstDelay();

    protected abstract Duration period();

    /** One pass. */
    protected abstract Mono<?> runOnce();

    @Override
    public void start() {
        running = Flux.interval(firstDelay(), period())
                .onBackpressureDrop()
                .concatMap(tick -> runOnce().onErrorResume(e -> {
                    log.warn("Periodic job failed job={} error={}", name(), e.toString());
                    return Mono.empty();
                }), 1)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable r = running;
        running = null;
        if (r != null) {
            r.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running != null;
    }
}
