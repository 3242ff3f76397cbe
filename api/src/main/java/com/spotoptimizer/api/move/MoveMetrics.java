package com.spotoptimizer.api.move;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * The moves' outcomes: {@code spot_move_outcomes_total{outcome="succeeded|failed"}}, counted once per move (when its
 * command closes), and {@code spot_promotions_total{outcome="promoted|abandoned"}}. No instance ids as labels.
 */
@Component
public class MoveMetrics {

    private final MeterRegistry registry;

    public MoveMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void moveEnded(boolean succeeded) {
        registry.counter("spot_move_outcomes_total", "outcome", succeeded ? "succeeded" : "failed").increment();
    }

    public void promotion(boolean promoted) {
        registry.counter("spot_promotions_total", "outcome", promoted ? "promoted" : "abandoned").increment();
    }
}
