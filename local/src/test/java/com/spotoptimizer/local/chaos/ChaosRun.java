package com.spotoptimizer.local.chaos;

import com.spotoptimizer.ec2sim.Ec2Simulator;
import com.spotoptimizer.ec2sim.SimInstance;
import com.spotoptimizer.local.LocalStack;
import com.spotoptimizer.workflows.agent.OwnershipTags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * A seeded chaos run on the local all-in-one, loopback only and bounded in time: two clients, two agents in one
 * simulated AWS account (the built-in Temporal agent-worker {@code demo-agent}, and {@code acme-http}, an HTTP
 * agent the harness plays), launches and terminations with faults injected throughout. At the end every figure
 * is measured against the simulator's ground truth ({@link ChaosReport}).
 */
final class ChaosRun {

    private static final Logger log = LoggerFactory.getLogger(ChaosRun.class);
    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };
    private static final Set<String> IN_FLIGHT = Set.of("launching", "terminating");
    private static final Set<String> RUNNING = Set.of("running_primary", "running_replica", "promoting");

    static final String DEMO = "demo";
    static final String DEMO_TOKEN = "demo-client-token";
    static final String ACME = "acme";
    static final String ACME_TOKEN = "acme-client-token";
    static final String ACME_AGENT = "acme-http";
    static final String ACME_AGENT_TOKEN = "acme-http-agent-token";

    /**
     * @param operations  client operations (launches, terminations, duplicates) and faults, in all
     * @param pace        pause between operations
     * @param apiRestarts how many times the API is restarted with work in flight
     */
    record Plan(long seed, int operations, Duration pace, int apiRestarts, Duration launchTimeout,
                Duration terminationTimeout, Duration lateWindow, Duration grace) {

        static Plan small(long seed) {
            return new Plan(seed, 100, Duration.ofMillis(250), 1, Duration.ofSeconds(20), Duration.ofSeconds(15),
                    Duration.ofSeconds(20), Duration.ofSeconds(20));
        }

        static Plan large(long seed, int operations) {
            return new Plan(seed, operations, Duration.ofMillis(60), 2, Duration.ofSeconds(30), Duration.ofSeconds(20),
                    Duration.ofSeconds(30), Duration.ofSeconds(30));
        }
    }

    private final Plan plan;
    private final Random random;
    private final Map<String, Integer> faults = new TreeMap<>();
    /** instance id → client id, for every launch accepted. */
    private final Map<String, String> launched = new LinkedHashMap<>();
    private int terminations;
    private LocalStack stack;
    private ChaosHttpAgent httpAgent;
    private Ec2Client outsider;

    ChaosRun(Plan plan) {
        this.plan = plan;
        this.random = new Random(plan.seed());
    }

    static String[] stackArgs(Plan plan) {
        return new String[] {
                "--spot.lifecycle.launch-timeout=" + plan.launchTimeout().toSeconds() + "s",
                "--spot.lifecycle.termination-timeout=" + plan.terminationTimeout().toSeconds() + "s",
                "--spot.lifecycle.late-confirmation-window=" + plan.lateWindow().toSeconds() + "s",
                "--spot.lifecycle.command-lease=5s",
                "--spot.lifecycle.confirmation-wait=5s",
                "--spot.lifecycle.reconcile-interval=10s",
                "--spot.accounts.clients[0].id=" + DEMO,
                "--spot.accounts.clients[0].name=Demo",
                "--spot.accounts.clients[0].token=" + DEMO_TOKEN,
                "--spot.accounts.clients[0].agents[0].id=demo-agent",
                "--spot.accounts.clients[0].agents[0].token=demo-agent-token",
                "--spot.accounts.clients[0].agents[0].transport=TEMPORAL",
                "--spot.accounts.clients[1].id=" + ACME,
                "--spot.accounts.clients[1].name=Acme",
                "--spot.accounts.clients[1].token=" + ACME_TOKEN,
                "--spot.accounts.clients[1].agents[0].id=" + ACME_AGENT,
                "--spot.accounts.clients[1].agents[0].token=" + ACME_AGENT_TOKEN,
                "--spot.accounts.clients[1].agents[0].transport=HTTP"};
    }

    ChaosReport run() throws Exception {
        Instant started = Instant.now();
        stack = LocalStack.start(Duration.ofMillis(300), Duration.ofMillis(200), Duration.ofMillis(200),
                stackArgs(plan));
        try {
            Ec2Simulator ec2 = stack.app().ec2();
            httpAgent = new ChaosHttpAgent(ACME_AGENT, ACME_AGENT_TOKEN, this::base, ec2.endpoint(), plan.seed(), 0.3);
            outsider = com.spotoptimizer.agent.ec2.Ec2ClientFactory.create(
                    com.spotoptimizer.agent.system.AgentProperties.Ec2.endpoint(ec2.endpoint().toString(), "local", "local"),
                    new com.spotoptimizer.agent.system.Ec2Metrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
            int restartsLeft = plan.apiRestarts();
            int restartEvery = plan.apiRestarts() == 0 ? Integer.MAX_VALUE : plan.operations() / (plan.apiRestarts() + 1);
            for (int op = 1; op <= plan.operations(); op++) {
                if (restartsLeft > 0 && op % restartEvery == 0) {
                    restartsLeft--;
                    count("api-restart");
                    stack.app().restartApi();
                } else {
                    step(op);
                }
                Thread.sleep(plan.pace().toMillis());
            }
            ec2.faults().clear();
            settle();
            return report(started);
        } finally {
            if (httpAgent != null) {
                httpAgent.close();
            }
            if (outsider != null) {
                outsider.close();
            }
            stack.close();
        }
    }

    private void step(int op) {
        double dice = random.nextDouble();
        if (dice < 0.45) {
            boolean demo = random.nextBoolean();
            String requestId = "chaos-" + plan.seed() + "-" + op;
            String instanceId = launch(demo ? DEMO_TOKEN : ACME_TOKEN, demo ? "demo-agent" : ACME_AGENT, requestId);
            launched.put(instanceId, demo ? DEMO : ACME);
            if (random.nextDouble() < 0.1) {
                count("duplicate-launch");
                launch(demo ? DEMO_TOKEN : ACME_TOKEN, demo ? "demo-agent" : ACME_AGENT, requestId);
            }
        } else if (dice < 0.80) {
            pick(launched.keySet()).ifPresent(id -> {
                terminations++;
                terminate(DEMO.equals(launched.get(id)) ? DEMO_TOKEN : ACME_TOKEN, id);
            });
        } else {
            fault();
        }
    }

    private void fault() {
        Ec2Simulator ec2 = stack.app().ec2();
        switch (random.nextInt(7)) {
            case 0 -> {
                count("throttle-storm");
                ec2.faults().throttleProbability(0.3);
                sleep(1500);
                ec2.faults().throttleProbability(0);
            }
            case 1 -> {
                count("capacity-errors");
                ec2.faults().insufficientCapacity(2);
            }
            case 2 -> {
                count("lost-run-instances-answer");
                ec2.faults().dropRunInstancesResponses(1);
            }
            case 3 -> runningInstance(true).ifPresent(instance -> {
                try {
                    ec2.interruptSpot(instance.instanceId(), Duration.ofSeconds(1 + random.nextInt(3)));
                    count("spot-interruption");
                } catch (RuntimeException raced) {
                    // It stopped running meanwhile.
                }
            });
            case 4 -> runningInstance(false).ifPresent(instance -> {
                count("terminated-outside");
                outsider.terminateInstances(r -> r.instanceIds(instance.instanceId()));
            });
            case 5 -> {
                count("agent-worker-restart");
                stack.app().stopDemoAgent();
                sleep(500 + random.nextInt(1500));
                stack.app().startDemoAgent();
            }
            default -> {
                count("adversarial-confirmation");
                adversarialConfirmation();
            }
        }
    }

    /** A confirmation of one client's instance sent with another live instance's EC2 id. */
    private void adversarialConfirmation() {
        List<SimInstance> live = stack.app().ec2().instances().stream()
                .filter(i -> ACME_AGENT.equals(i.tags().get(OwnershipTags.AGENT_ID)) && "running".equals(i.state()))
                .toList();
        if (live.size() < 2) {
            return;
        }
        SimInstance a = live.get(random.nextInt(live.size()));
        SimInstance b = live.get(random.nextInt(live.size()));
        if (a.instanceId().equals(b.instanceId())) {
            return;
        }
        for (String path : List.of("instance-launched", "instance-terminated")) {
            try {
                client(ACME_AGENT_TOKEN).post().uri("/api/agents/{id}/" + path, ACME_AGENT)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("instance_id", a.tags().get(OwnershipTags.INSTANCE_ID),
                                "ec2_instance_id", b.instanceId(), "state", "running"))
                        .retrieve().toBodilessEntity().block(Duration.ofSeconds(20));
                log.warn("Chaos: a confirmation naming another instance's EC2 id was accepted");
                count("adversarial-accepted");
            } catch (WebClientResponseException | WebClientRequestException refused) {
                // 409 is the right answer; a connection error means the API is restarting.
            }
        }
    }

    private Optional<SimInstance> runningInstance(boolean spotOnly) {
        List<SimInstance> running = stack.app().ec2().instances().stream()
                .filter(i -> "running".equals(i.state()) && (!spotOnly || i.spot()) && i.interruptionActionAt() == null)
                .toList();
        return running.isEmpty() ? Optional.empty() : Optional.of(running.get(random.nextInt(running.size())));
    }

    private String launch(String token, String agentId, String requestId) {
        Map<String, Object> accepted = retrying(() -> client(token).post().uri("/api/client/instances/launch")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent_id", agentId, "instance_type", "t3.micro", "request_id", requestId,
                        "metadata", Map.of("market", "spot")))
                .retrieve().bodyToMono(JSON));
        return (String) accepted.get("instance_id");
    }

    private void terminate(String token, String instanceId) {
        retrying(() -> client(token).post().uri("/api/client/instances/{id}/terminate", instanceId)
                .retrieve().bodyToMono(JSON)
                .onErrorResume(WebClientResponseException.Conflict.class, e -> Mono.just(Map.of())));
    }

    /** Connection errors while the API restarts: the same request again (launches are idempotent by request id). */
    private Map<String, Object> retrying(java.util.function.Supplier<Mono<Map<String, Object>>> call) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 60; attempt++) {
            try {
                return call.get().block(Duration.ofSeconds(30));
            } catch (WebClientRequestException | WebClientResponseException.ServiceUnavailable e) {
                last = e;
                sleep(500);
            } catch (IllegalStateException slow) {
                // No answer in 30 s (a loaded machine, a restart): ask again, the request is idempotent.
                last = slow;
            }
        }
        throw last;
    }

    /** Waits until nothing is in flight or every deadline (with its grace) has passed. */
    private void settle() {
        Duration bound = plan.launchTimeout().plus(plan.lateWindow()).plus(plan.terminationTimeout()).plus(plan.grace());
        try {
            Awaitility.await("the fleet settles").atMost(bound).pollInterval(Duration.ofMillis(500))
                    .until(() -> rows().stream().noneMatch(r -> IN_FLIGHT.contains((String) r.get("status")))
                            && activeWithoutRunningRow().isEmpty());
        } catch (ConditionTimeoutException unsettled) {
            // Measured as it is: the report names what did not settle.
        }
    }

    private ChaosReport report(Instant started) {
        Ec2Simulator ec2 = stack.app().ec2();
        List<Map<String, Object>> rows = rows();
        List<SimInstance> instances = ec2.instances();
        List<String> findings = new ArrayList<>();

        List<String> leaked = activeWithoutRunningRow();
        leaked.forEach(f -> findings.add("leaked: " + f));

        Map<String, List<SimInstance>> byLaunch = instances.stream()
                .filter(i -> i.tags().containsKey(OwnershipTags.INSTANCE_ID))
                .collect(Collectors.groupingBy(i -> i.tags().get(OwnershipTags.INSTANCE_ID)));
        long doubled = byLaunch.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .peek(e -> findings.add("doubled: launch " + e.getKey() + " has "
                        + e.getValue().stream().map(SimInstance::instanceId).toList()))
                .count();

        Instant now = Instant.now();
        long stuck = rows.stream().filter(r -> IN_FLIGHT.contains((String) r.get("status"))).filter(r -> {
            boolean launching = "launching".equals(r.get("status"));
            Object since = launching ? r.get("launch_requested_at") : r.get("termination_requested_at");
            Duration deadline = launching ? plan.launchTimeout() : plan.terminationTimeout();
            boolean late = since == null || Instant.parse((String) since).plus(deadline).plus(plan.grace()).isBefore(now);
            if (late) {
                findings.add("stuck: row " + r.get("instance_id") + " " + r.get("status") + " since " + since);
            }
            return late;
        }).count();

        long lying = rows.stream().filter(r -> RUNNING.contains((String) r.get("status"))).filter(r -> {
            String ec2Id = (String) r.get("ec2_instance_id");
            boolean runs = ec2Id != null && ec2.instance(ec2Id).map(i -> "running".equals(i.state())).orElse(false);
            if (!runs) {
                findings.add("lying: row " + r.get("instance_id") + " is " + r.get("status") + " but " + ec2Id
                        + " is " + (ec2Id == null ? "unknown" : ec2.instance(ec2Id).map(SimInstance::state).orElse("gone")));
            }
            return !runs;
        }).count();

        if (faults.containsKey("adversarial-accepted")) {
            findings.add("a confirmation naming another instance's EC2 id was accepted " + faults.get("adversarial-accepted")
                    + " time(s)");
        }
        long streamMismatches = 0;
        for (String[] client : List.of(new String[] {DEMO, DEMO_TOKEN}, new String[] {ACME, ACME_TOKEN})) {
            Map<String, Object> listed = list(client[1]);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> own = (List<Map<String, Object>>) listed.get("instances");
            long through = ((Number) listed.get("last_event_id")).longValue();
            Map<String, StreamReplay.Seen> seen = StreamReplay.fold(base(), client[0], client[1], through);
            for (Map<String, Object> row : own) {
                StreamReplay.Seen s = seen.get((String) row.get("instance_id"));
                if (s == null || !s.status().equals(row.get("status"))
                        || !java.util.Objects.equals(s.ec2InstanceId(), row.get("ec2_instance_id"))) {
                    streamMismatches++;
                    findings.add("stream: " + client[0] + " row " + row.get("instance_id") + " is " + row.get("status")
                            + "/" + row.get("ec2_instance_id") + ", the replayed stream says " + s);
                }
            }
            if (seen.size() != own.size()) {
                streamMismatches += Math.abs(seen.size() - own.size());
                findings.add("stream: " + client[0] + " lists " + own.size() + " instances, the stream shows " + seen.size());
            }
        }
        int running = (int) rows.stream().filter(r -> RUNNING.contains((String) r.get("status"))).count();
        return new ChaosReport(plan.seed(), plan.operations(), Map.copyOf(faults), launched.size(), terminations,
                rows.size(), running, leaked.size(), doubled, stuck, lying, streamMismatches, httpAgent.tally(),
                Duration.between(started, Instant.now()).toSeconds(), findings);
    }

    /** Pending or running instances in EC2 whose row is not running under that id. */
    private List<String> activeWithoutRunningRow() {
        Map<String, Map<String, Object>> rowsById = rows().stream()
                .collect(Collectors.toMap(r -> (String) r.get("instance_id"), r -> r));
        List<String> leaked = new ArrayList<>();
        for (SimInstance instance : stack.app().ec2().instances()) {
            if (!instance.isActive()) {
                continue;
            }
            Map<String, Object> row = rowsById.get(instance.tags().get(OwnershipTags.INSTANCE_ID));
            if (row == null || !RUNNING.contains((String) row.get("status"))
                    || !instance.instanceId().equals(row.get("ec2_instance_id"))) {
                leaked.add(instance.instanceId() + " (" + instance.state() + ", agent "
                        + instance.tags().get(OwnershipTags.AGENT_ID) + ") has row "
                        + (row == null ? "none" : row.get("instance_id") + " " + row.get("status") + " naming "
                        + row.get("ec2_instance_id")));
            }
        }
        return leaked;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> rows() {
        List<Map<String, Object>> all = new ArrayList<>();
        all.addAll((List<Map<String, Object>>) list(DEMO_TOKEN).get("instances"));
        all.addAll((List<Map<String, Object>>) list(ACME_TOKEN).get("instances"));
        return all;
    }

    private Map<String, Object> list(String token) {
        return retrying(() -> client(token).get().uri("/api/client/instances").retrieve().bodyToMono(JSON));
    }

    private <T> Optional<T> pick(Set<T> from) {
        if (from.isEmpty()) {
            return Optional.empty();
        }
        return from.stream().skip(random.nextInt(from.size())).findFirst();
    }

    private WebClient client(String token) {
        return WebClient.builder().baseUrl(base()).defaultHeaders(h -> h.setBearerAuth(token))
                .codecs(c -> c.defaultCodecs().maxInMemorySize(16 << 20)).build();
    }

    private String base() {
        return "http://127.0.0.1:" + stack.port();
    }

    private void count(String fault) {
        faults.merge(fault, 1, Integer::sum);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
