package com.spotoptimizer.workflows.move;

/**
 * What a promotion's request id stands for: which replica, and what becomes of its primary. The API compares it
 * with a repeated request (same request id) to tell a retry (same body: join) from a reuse (other body: 409).
 */
public record RequestedPromotion(String replicaId, DemoteTo demoteTo) {

    public static RequestedPromotion of(PromoteInstanceInput input) {
        return new RequestedPromotion(input.replicaId(), input.demoteTo());
    }
}
