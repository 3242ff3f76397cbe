package com.spotoptimizer.workflows.launch;

import com.spotoptimizer.workflows.agent.LaunchAlternative;
import com.spotoptimizer.workflows.agent.LaunchSpec;
import com.spotoptimizer.workflows.system.Transport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a launch needs, fixed at start. The timeouts are copied in at start so a running
 * workflow keeps the values it started with and tests can shorten them. {@code priority} is the command's
 * (see {@link com.spotoptimizer.workflows.agent.CommandPriority}); the agent spends EC2's budget on higher first.
 * {@code alternatives} are tried in order when EC2 refuses the launch for capacity (empty: none).
 * {@code maxQueueWait} bounds how long the launch may wait for the agent's EC2 turn once the agent says it is queued
 * (null: {@link LaunchTimeouts#MAX_QUEUE_WAIT}); the confirmation deadline then runs from the agent's call.
 */
public record LaunchInstanceInput(
        String instanceId,
        String clientId,
        String agentId,
        Transport transport,
        String agentTaskQueue,
        String requestId,
        String requestFingerprint,
        String instanceType,
        String role,
        LaunchSpec spec,
        String metadataJson,
        Instant requestedAt,
        Duration confirmationTimeout,
        Duration lateConfirmationWindow,
        Duration terminationTimeout,
        int priority,
        Duration maxQueueWait,
        List<LaunchAlternative> alternatives) {

    public LaunchInstanceInput {
        alternatives = alternatives == null ? List.of() : List.copyOf(alternatives);
    }

    /** Without a queue wait of its own (callers from before pacing): {@link LaunchTimeouts#MAX_QUEUE_WAIT}. */
    public LaunchInstanceInput(String instanceId, String clientId, String agentId, Transport transport,
                               String agentTaskQueue, String requestId, String requestFingerprint, String instanceType,
                               String role, LaunchSpec spec, String metadataJson, Instant requestedAt,
                               Duration confirmationTimeout, Duration lateConfirmationWindow,
                               Duration terminationTimeout, int priority) {
        this(instanceId, clientId, agentId, transport, agentTaskQueue, requestId, requestFingerprint, instanceType, role,
                spec, metadataJson, requestedAt, confirmationTimeout, lateConfirmationWindow, terminationTimeout,
                priority, null, null);
    }

    /** Attempt 0 is the launch's own type and subnet; attempts 1.. are its alternatives, in order. */
    public List<LaunchAlternative> attempts() {
        List<LaunchAlternative> all = new ArrayList<>();
        all.add(new LaunchAlternative(instanceType, spec == null ? null : spec.subnetId()));
        all.addAll(alternatives);
        return all;
    }

    /** The queue wait in force: the input's, or the default for inputs recorded without one. */
    public Duration queueWaitOrDefault() {
        return maxQueueWait == null || maxQueueWait.isNegative() || maxQueueWait.isZero()
                ? LaunchTimeouts.MAX_QUEUE_WAIT : maxQueueWait;
    }
}
