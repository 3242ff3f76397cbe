package com.spotoptimizer.local.chaos;

import com.spotoptimizer.agent.ec2.Ec2ClientFactory;
import com.spotoptimizer.agent.system.AgentProperties;
import com.spotoptimizer.agent.system.Ec2Metrics;
import com.spotoptimizer.workflows.agent.OwnershipTags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * The seed's HTTP agent, played by the harness against the real simulator through the AWS SDK: it polls
 * pending-commands, launches with the command's ClientToken and tags, confirms once EC2 says running, terminates
 * and confirms, and reports instances EC2 ended without it. A share of its confirmations are adversarial — a
 * wrong EC2 id, another live instance's id, racing duplicates — and each answer is tallied: the API must refuse
 * every wrong one and accept every right one.
 */
final class ChaosHttpAgent implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChaosHttpAgent.class);
    private static final ParameterizedTypeReference<List<Map<String, Object>>> COMMANDS = new ParameterizedTypeReference<>() { };

    /** What the agent's answers showed. */
    record Tally(int confirmations, int wrongRefused, int wrongAccepted, int rightRefused, int driftReports) {
    }

    private final String agentId;
    private final String token;
    private final Supplier<String> apiBase;
    private final Ec2Client ec2;
    private final Random random;
    private final double adversarialShare;
    private final ExecutorService workers = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "chaos-http-agent");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    private final Set<String> terminatedByUs = ConcurrentHashMap.newKeySet();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    /** EC2 ids the API accepted from this agent: rows hold them. */
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
    private final AtomicInteger confirmations = new AtomicInteger();
    private final AtomicInteger wrongRefused = new AtomicInteger();
    private final AtomicInteger wrongAccepted = new AtomicInteger();
    private final AtomicInteger rightRefused = new AtomicInteger();
    private final AtomicInteger driftReports = new AtomicInteger();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chaos-http-agent-poll");
        t.setDaemon(true);
        return t;
    });
    private volatile long lastDriftCheck;

    ChaosHttpAgent(String agentId, String token, Supplier<String> apiBase, URI ec2Endpoint, long seed,
                   double adversarialShare) {
        this.agentId = agentId;
        this.token = token;
        this.apiBase = apiBase;
        this.ec2 = Ec2ClientFactory.create(AgentProperties.Ec2.endpoint(ec2Endpoint.toString(), "local", "local"),
                new Ec2Metrics(new SimpleMeterRegistry()));
        this.random = new Random(seed);
        this.adversarialShare = adversarialShare;
        loop.scheduleWithFixedDelay(this::pollOnce, 0, 200, TimeUnit.MILLISECONDS);
    }

    Tally tally() {
        return new Tally(confirmations.get(), wrongRefused.get(), wrongAccepted.get(), rightRefused.get(),
                driftReports.get());
    }

    /** One poll: hand out new commands to the workers; every second also the ground-truth report. */
    private void pollOnce() {
        try {
            for (Map<String, Object> command : poll()) {
                String id = (String) command.get("command_id");
                if (busy.add(id)) {
                    workers.submit(() -> {
                        try {
                            handle(command);
                        } catch (RuntimeException e) {
                            log.info("Chaos HTTP agent command failed, it comes back after its lease command_id={} error={}",
                                    id, e.toString());
                        } finally {
                            busy.remove(id);
                        }
                    });
                }
            }
            if (System.currentTimeMillis() - lastDriftCheck > 1000) {
                lastDriftCheck = System.currentTimeMillis();
                reportEndedInstances();
            }
        } catch (RuntimeException e) {
            // The API may be restarting: the next poll asks again.
        }
    }

    private List<Map<String, Object>> poll() {
        List<Map<String, Object>> commands = http().get().uri("/api/agents/{id}/pending-commands", agentId)
                .retrieve().bodyToMono(COMMANDS).block(Duration.ofSeconds(10));
        return commands == null ? List.of() : commands;
    }

    @SuppressWarnings("unchecked")
    private void handle(Map<String, Object> command) {
        Map<String, Object> metadata = (Map<String, Object>) command.get("metadata");
        String instanceId = (String) command.get("instance_id");
        switch ((String) command.get("command_type")) {
            case "LAUNCH_INSTANCE" -> launch(instanceId, metadata);
            case "TERMINATE_INSTANCE" -> terminate(instanceId, metadata);
            default -> { }
        }
        result((String) command.get("command_id"));
    }

    @SuppressWarnings("unchecked")
    private void launch(String instanceId, Map<String, Object> metadata) {
        Map<String, String> tags = (Map<String, String>) metadata.get("tags");
        String ec2Id;
        try {
            ec2Id = ec2.runInstances(r -> r.clientToken((String) metadata.get("client_token"))
                    .instanceType((String) metadata.get("instance_type")).imageId("ami-0123456789abcdef0")
                    .minCount(1).maxCount(1)
                    .instanceMarketOptions(m -> m.marketType("spot"))
                    .tagSpecifications(t -> t.resourceType("instance").tags(tags.entrySet().stream()
                            .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList())))
                    .instances().get(0).instanceId();
        } catch (SdkException e) {
            // Throttled, no capacity or the answer was lost: the command comes back after its lease, and the
            // ClientToken makes the repeat return the same instance.
            throw new IllegalStateException("RunInstances: " + e.getMessage(), e);
        }
        if (!awaitState(ec2Id, InstanceStateName.RUNNING)) {
            throw new IllegalStateException(ec2Id + " not running yet");
        }
        boolean adversarial = random.nextDouble() < adversarialShare;
        if (adversarial) {
            claimAnotherInstancesId(instanceId, ec2Id);
        }
        Map<String, Object> right = Map.of("instance_id", instanceId, "ec2_instance_id", ec2Id, "state", "running");
        if (adversarial) {
            raceDuplicates(right);
        }
        confirm("instance-launched", right, true);
        if (adversarial) {
            // After the right one is recorded, anything else contradicts the record.
            confirm("instance-launched", Map.of("instance_id", instanceId, "ec2_instance_id", bogusId(), "state",
                    "running"), false);
            confirm("instance-launched", Map.of("instance_id", instanceId, "ec2_instance_id", ec2Id, "state", "running",
                    "request_id", "not-the-request"), false);
        }
    }

    /**
     * Before its own confirmation, the agent claims an EC2 id another row already holds: the record knows that id
     * is someone else's. (A first confirmation with an id nobody holds cannot be told from the truth without asking
     * EC2, which the control plane does not do: the agent is the one that asks EC2.)
     */
    private void claimAnotherInstancesId(String instanceId, String ownId) {
        describe(Filter.builder().name("tag:" + OwnershipTags.AGENT_ID).values(agentId).build(),
                Filter.builder().name("instance-state-name").values("running").build()).stream()
                .map(Instance::instanceId)
                .filter(id -> !id.equals(ownId) && confirmed.contains(id))
                .findFirst()
                .ifPresent(taken -> confirm("instance-launched", Map.of("instance_id", instanceId, "ec2_instance_id",
                        taken, "state", "running"), false));
    }

    /** The same right confirmation three times at once: all three are answered 200 and one transition is made. */
    private void raceDuplicates(Map<String, Object> right) {
        List<Thread> racers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Thread racer = new Thread(() -> confirm("instance-launched", right, true));
            racers.add(racer);
            racer.start();
        }
        for (Thread racer : racers) {
            try {
                racer.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private String bogusId() {
        synchronized (random) {
            return String.format("i-0%016x", random.nextLong() & 0x0fffffffffffffffL);
        }
    }

    private void terminate(String instanceId, Map<String, Object> metadata) {
        String ec2Id = (String) metadata.get("ec2_instance_id");
        if (ec2Id == null) {
            List<Instance> found = describe(Filter.builder().name("client-token")
                    .values((String) metadata.get("client_token")).build());
            ec2Id = found.stream().filter(i -> i.state().name() != InstanceStateName.TERMINATED)
                    .map(Instance::instanceId).findFirst().orElse(null);
        }
        if (ec2Id != null) {
            String target = ec2Id;
            terminatedByUs.add(target);
            try {
                ec2.terminateInstances(r -> r.instanceIds(target));
            } catch (SdkException e) {
                throw new IllegalStateException("TerminateInstances: " + e.getMessage(), e);
            }
            if (!awaitState(target, InstanceStateName.TERMINATED)) {
                throw new IllegalStateException(target + " not terminated yet");
            }
            if (random.nextDouble() < adversarialShare) {
                confirm("instance-terminated", Map.of("instance_id", instanceId, "ec2_instance_id", bogusId()), false);
            }
        }
        confirm("instance-terminated", ec2Id == null ? Map.of("instance_id", instanceId)
                : Map.of("instance_id", instanceId, "ec2_instance_id", ec2Id), true);
    }

    /** Instances of this agent that EC2 ended without it: the seed agent's ground-truth report. */
    private void reportEndedInstances() {
        for (Instance instance : describe(
                Filter.builder().name("tag:" + OwnershipTags.AGENT_ID).values(agentId).build(),
                Filter.builder().name("instance-state-name").values("shutting-down", "terminated").build())) {
            String id = instance.instanceId();
            if (terminatedByUs.contains(id) || reported.contains(id)) {
                continue;
            }
            boolean reclaimed = instance.stateReason() != null
                    && "Server.SpotInstanceTermination".equals(instance.stateReason().code());
            try {
                http().post().uri("/api/agents/{id}/instance-state", agentId).contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("ec2_instance_id", id, "state", instance.state().nameAsString(),
                                "reason", reclaimed ? "spot_interruption" : "terminated_outside"))
                        .retrieve().toBodilessEntity().block(Duration.ofSeconds(10));
                reported.add(id);
                driftReports.incrementAndGet();
            } catch (WebClientResponseException.NotFound unknown) {
                reported.add(id); // Not a row of ours (e.g. a launch that was never confirmed).
            }
        }
    }

    /** Sends a confirmation and tallies the answer against what it should have been. */
    private void confirm(String path, Map<String, Object> body, boolean right) {
        confirmations.incrementAndGet();
        try {
            http().post().uri("/api/agents/{id}/" + path, agentId).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body).retrieve().toBodilessEntity().block(Duration.ofSeconds(20));
            if (right && body.get("ec2_instance_id") != null) {
                confirmed.add((String) body.get("ec2_instance_id"));
            }
            if (!right) {
                wrongAccepted.incrementAndGet();
                log.warn("Chaos: a wrong confirmation was accepted path={} body={}", path, body);
            }
        } catch (WebClientResponseException e) {
            if (right && e.getStatusCode().value() == 409) {
                // A right confirmation is refused only when its launch has closed (timed out): not a lie.
                rightRefused.incrementAndGet();
            } else if (!right && e.getStatusCode().value() == 409) {
                wrongRefused.incrementAndGet();
            } else {
                throw e;
            }
        }
    }

    private void result(String commandId) {
        try {
            http().post().uri("/api/agents/{id}/commands/{command}/result", agentId, commandId)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("success", true))
                    .retrieve().toBodilessEntity().block(Duration.ofSeconds(10));
        } catch (WebClientResponseException e) {
            log.info("Chaos: command result not recorded command_id={} status={}", commandId, e.getStatusCode());
        }
    }

    private boolean awaitState(String ec2Id, InstanceStateName wanted) {
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> describe(Filter.builder().name("instance-id").values(ec2Id).build()).stream()
                            .anyMatch(i -> i.state().name() == wanted));
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private List<Instance> describe(Filter... filters) {
        try {
            return ec2.describeInstancesPaginator(r -> r.filters(filters)).reservations().stream()
                    .flatMap(r -> r.instances().stream()).toList();
        } catch (SdkException e) {
            return List.of(); // Throttled: look again next time.
        }
    }

    private WebClient http() {
        return WebClient.builder().baseUrl(apiBase.get()).defaultHeaders(h -> h.setBearerAuth(token)).build();
    }

    @Override
    public void close() {
        loop.shutdownNow();
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ec2.close();
    }
}
