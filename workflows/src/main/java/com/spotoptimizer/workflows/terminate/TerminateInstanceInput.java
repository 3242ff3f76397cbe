package com.spotoptimizer.workflows.terminate;

import com.spotoptimizer.workflows.system.Transport;
import java.time.Duration;
import java.time.Instant;

/**
 * Everything a termination needs, fixed at start; the timeouts are copied in so running workflows keep them.
 * {@code maxQueueWait} bounds how long the termination may wait for the agent's EC2 turn once the agent says it is
 * queued (null: {@link TerminateTimeouts#MAX_QUEUE_WAIT}); the confirmation deadline then runs from the agent's call.
 */
public record TerminateInstanceInput(
        String instanceId,
        String clientId,
        String agentId,
        Transport transport,
        String agentTaskQueue,
        String launchRequestId,
        String instanceType,
        String requestId,
        String reason,
        Instant requestedAt,
        Duration confirmationTimeout,
        int priority,
        Duration maxQueueWait) {

    /** Without a queue wait of its own (callers and histories from before pacing): the default. */
    public TerminateInstanceInput(String instanceId, String clientId, String agentId, Transport transport,
                                  String agentTaskQueue, String launchRequestId, String instanceType, String requestId,
                                  String reason, Instant requestedAt, Duration confirmationTimeout, int priority) {
        this(instanceId, clientId, agentId, transport, agentTaskQueue, launchRequestId, instanceType, requestId, reason,
                requestedAt, confirmationTimeout, priority, null);
    }

    /** The queue wait in force: the input's, or the default for inputs recorded without one. */
    public Duration queueWaitOrDefault() {
        return maxQueueWait == null || maxQueueWait.isNegative() || maxQueueWait.isZero()
                ? TerminateTimeouts.MAX_QUEUE_WAIT : maxQueueWait;
    }
}
