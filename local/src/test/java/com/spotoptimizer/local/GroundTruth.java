package com.spotoptimizer.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.ec2sim.Ec2Simulator;
import com.spotoptimizer.ec2sim.SimCall;
import com.spotoptimizer.ec2sim.SimInstance;
import com.spotoptimizer.workflows.agent.OwnershipTags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What the EC2 simulator knows against what the API says: the end-to-end tests' proof that nothing
 * leaked and nothing is stuck.
 */
final class GroundTruth {

    private static final Set<String> IN_FLIGHT = Set.of("launching", "terminating");
    private static final Set<String> RUNNING = Set.of("running_primary", "running_replica", "promoting");

    private GroundTruth() {
    }

    /** The simulator's instances of one launch (by the stable id the agent tags them with). */
    static List<SimInstance> instancesOf(Ec2Simulator ec2, String instanceId) {
        return ec2.instances().stream()
                .filter(i -> instanceId.equals(i.tags().get(OwnershipTags.INSTANCE_ID))).toList();
    }

    /** Every RunInstances call that carried this launch's ClientToken, whatever its outcome. */
    static List<SimCall> runInstancesCallsOf(Ec2Simulator ec2, String clientToken) {
        return ec2.calls().stream()
                .filter(c -> c.action().equals("RunInstances") && clientToken.equals(c.params().get("ClientToken")))
                .toList();
    }

    /**
     * Waits up to {@code atMost} for the fleet to settle, then asserts: no row in launching or terminating;
     * at most one EC2 instance per launch, and it is the row's; no pending or running instance without a
     * running row that names it; every running row's instance runs.
     */
    static void assertNothingLeakedOrStuck(LocalStack stack, E2eClient client, Duration atMost) {
        List<String> violations;
        try {
            violations = Awaitility.await("the fleet settles").atMost(atMost).pollInterval(Duration.ofMillis(100))
                    .until(() -> violations(stack.app().ec2(), client.list()), List::isEmpty);
        } catch (ConditionTimeoutException e) {
            violations = violations(stack.app().ec2(), client.list());
        }
        assertThat(violations).as("ground truth (EC2 simulator) against the API's rows").isEmpty();
    }

    static List<String> violations(Ec2Simulator ec2, List<Map<String, Object>> rows) {
        List<String> violations = new ArrayList<>();
        List<SimInstance> instances = ec2.instances();
        Map<String, Map<String, Object>> rowsById = rows.stream()
                .collect(Collectors.toMap(r -> (String) r.get("instance_id"), r -> r));
        Map<String, List<SimInstance>> byLaunch = instances.stream()
                .filter(i -> i.tags().containsKey(OwnershipTags.INSTANCE_ID))
                .collect(Collectors.groupingBy(i -> i.tags().get(OwnershipTags.INSTANCE_ID)));
        for (Map<String, Object> row : rows) {
            String id = (String) row.get("instance_id");
            String status = (String) row.get("status");
            String ec2Id = (String) row.get("ec2_instance_id");
            List<SimInstance> own = byLaunch.getOrDefault(id, List.of());
            if (IN_FLIGHT.contains(status)) {
                violations.add("row " + id + " stuck in " + status);
            }
            if (own.size() > 1) {
                violations.add("launch " + id + " has " + own.size() + " EC2 instances: "
                        + own.stream().map(SimInstance::instanceId).toList());
            }
            if (ec2Id != null && own.stream().noneMatch(i -> i.instanceId().equals(ec2Id))) {
                violations.add("row " + id + " names " + ec2Id + ", which EC2 does not know for it");
            }
            if (RUNNING.contains(status)) {
                boolean runs = ec2Id != null && ec2.instance(ec2Id).map(i -> "running".equals(i.state())).orElse(false);
                if (!runs) {
                    violations.add("row " + id + " is " + status + " but " + ec2Id + " is not running in EC2");
                }
            }
        }
        for (SimInstance instance : instances) {
            if (!instance.isActive()) {
                continue;
            }
            String owner = instance.tags().get(OwnershipTags.INSTANCE_ID);
            Map<String, Object> row = owner == null ? null : rowsById.get(owner);
            if (row == null) {
                violations.add(instance.instanceId() + " is " + instance.state() + " without a row");
            } else if (!RUNNING.contains((String) row.get("status"))
                    || !instance.instanceId().equals(row.get("ec2_instance_id"))) {
                violations.add(instance.instanceId() + " is " + instance.state() + " but its row " + owner + " is "
                        + row.get("status") + " naming " + row.get("ec2_instance_id"));
            }
        }
        return violations;
    }
}
