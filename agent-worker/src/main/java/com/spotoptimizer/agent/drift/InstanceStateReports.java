package com.spotoptimizer.agent.drift;

/**
 * Where the agent reports an instance that EC2 shows ended without this agent terminating it: the api's
 * {@code POST /api/agents/{agent_id}/instance-state} ({@link ApiInstanceStateReports}), or a fake in tests.
 */
public interface InstanceStateReports {

    /** EC2's state ({@code shutting-down}, {@code terminated}) and why ({@code spot_interruption}, {@code terminated_outside}). */
    record InstanceStateReport(String ec2InstanceId, String state, String reason) {
    }

    /** How the report ended. Only {@link #RETRY} is asked again, on the next poll. */
    enum Outcome {
        /** The api took it (the row changed, or there was nothing to change). */
        ACKNOWLEDGED,
        /** No instance of this agent has that EC2 id: nothing to do. */
        UNKNOWN,
        /** The api refused it (bad input): logged, never repeated. */
        REFUSED,
        /** No answer, 408, 429 or 5xx: ask again later. */
        RETRY
    }

    Outcome report(InstanceStateReport report);
}
