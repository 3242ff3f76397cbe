package com.spotoptimizer.api.instance;

import com.spotoptimizer.workflows.agent.CommandPriority;
import com.spotoptimizer.workflows.agent.LaunchAlternative;
import com.spotoptimizer.api.auth.Caller;
import com.spotoptimizer.api.lifecycle.LifecycleWorkflows;
import com.spotoptimizer.api.system.LifecycleProperties;
import com.spotoptimizer.api.system.Problems;
import com.spotoptimizer.db.account.AccountRepository;
import com.spotoptimizer.db.account.AgentRow;
import com.spotoptimizer.db.event.EventReader;
import com.spotoptimizer.db.instance.InstanceRepository;
import com.spotoptimizer.db.instance.InstanceRow;
import com.spotoptimizer.db.system.JsonText;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.TerminationRequest;
import com.spotoptimizer.workflows.system.TaskQueues;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.terminate.TerminateInstanceInput;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Client operations on instances. Reads come from the database; every change goes through a
 * lifecycle workflow, which owns the state.
 */
@Service
public class InstanceService {

    private static final String DEFAULT_ROLE = "primary";

    private final InstanceRepository instances;
    private final AccountRepository accounts;
    private final EventReader events;
    private final LifecycleWorkflows workflows;
    private final LifecycleProperties lifecycle;
    private final TransactionalOperator snapshotRead;
    private final Clock clock;

    public InstanceService(InstanceRepository instances, AccountRepository accounts, EventReader events,
                           LifecycleWorkflows workflows, LifecycleProperties lifecycle,
                           ReactiveTransactionManager transactionManager, Clock clock) {
        this.instances = instances;
        this.accounts = accounts;
        this.events = events;
        this.workflows = workflows;
        this.lifecycle = lifecycle;
        DefaultTransactionDefinition definition = new DefaultTransactionDefinition();
        definition.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        definition.setReadOnly(true);
        this.snapshotRead = TransactionalOperator.create(transactionManager, definition);
        this.clock = clock;
    }

    /** Same request id and body: the same instance. Same request id, other body: 409. */
    public Mono<InstanceView> launch(Caller caller, LaunchRequest request) {
        String role = request.role() != null ? request.role() : DEFAULT_ROLE;
        String requestId = request.requestId() != null ? request.requestId() : UUID.randomUUID().toString();
        var spec = LaunchSpecs.from(request.metadata());
        List<LaunchAlternative> alternatives = request.alternatives() == null ? List.of() : request.alternatives().stream()
                .map(a -> new LaunchAlternative(a.instanceType(), a.subnetId())).toList();
        String fingerprint = fingerprint(request.agentId(), request.instanceType(), role, request.metadata(),
                alternatives);
        return ownAgent(caller, request.agentId())
                .flatMap(agent -> instances.findByRequest(caller.clientId(), requestId)
                        .switchIfEmpty(Mono.defer(() -> {
                            LaunchInstanceInput input = new LaunchInstanceInput(
                                    instanceId(caller.clientId(), requestId).toString(), caller.clientId(), agent.agentId(),
                                    Transport.valueOf(agent.transport()), TaskQueues.forAgent(agent.agentId()), requestId,
                                    fingerprint, request.instanceType(), role, spec,
                                    JsonText.of(request.metadata() == null ? Map.of() : request.metadata()),
                                    clock.instant(), lifecycle.launchTimeout(), lifecycle.lateConfirmationWindow(),
                                    lifecycle.terminationTimeout(), CommandPriority.CRITICAL, null, alternatives);
                            return workflows.launch(input).then(instances.findByRequest(caller.clientId(), requestId));
                        })))
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("launch " + requestId + " was not recorded")))
                .map(row -> {
                    if (!row.requestFingerprint().equals(fingerprint)) {
                        throw Problems.conflict("request-id-reused", "Request id reused",
                                "request_id " + requestId + " was already used with a different body");
                    }
                    return InstanceView.of(row);
                });
    }

    /** Terminate by stable or EC2 id. Already terminated: {@code terminated} (the controller answers 200). */
    public Mono<InstanceView> terminate(Caller caller, String anyId, TerminateRequest request) {
        TerminateRequest body = request != null ? request : TerminateRequest.empty();
        return own(caller, anyId).flatMap(row -> switch (row.status()) {
            case TERMINATED, TERMINATING -> Mono.just(InstanceView.of(row));
            case LAUNCHING -> {
                TerminationRequest termination = terminationRequest(row, body);
                yield workflows.terminateWhileLaunching(row.clientId(), row.requestId(), termination)
                        .switchIfEmpty(Mono.defer(() -> startTermination(row, termination)))
                        .then(reload(row)).map(InstanceView::of);
            }
            default -> startTermination(row, terminationRequest(row, body)).then(reload(row)).map(InstanceView::of);
        });
    }

    public Mono<InstanceList> list(Caller caller) {
        // One snapshot for both reads: last_event_id covers exactly the changes the list shows.
        Mono<InstanceList> read = events.lastEventId(caller.clientId()).defaultIfEmpty(0L)
                .flatMap(lastEventId -> instances.findByClient(caller.clientId()).map(InstanceView::of).collectList()
                        .map(list -> new InstanceList(list, lastEventId)));
        return snapshotRead.transactional(read);
    }

    public Mono<InstanceView> get(Caller caller, String anyId) {
        return own(caller, anyId).map(InstanceView::of);
    }

    public Flux<InstanceHistoryEntry> history(Caller caller, String anyId) {
        return own(caller, anyId).flatMapMany(row -> events.forInstance(caller.clientId(), row.instanceId()))
                .map(event -> {
                    Map<String, Object> data = JsonText.toMap(event.dataJson());
                    return new InstanceHistoryEntry(event.eventId(), event.eventType(), event.occurredAt(),
                            (String) data.get("status"), (String) data.get("reason"), data);
                });
    }

    private Mono<InstanceSnapshot> startTermination(InstanceRow row, TerminationRequest termination) {
        return accounts.findAgent(row.agentId()).flatMap(agent -> workflows.terminate(new TerminateInstanceInput(
                row.instanceId().toString(), row.clientId(), row.agentId(), Transport.valueOf(agent.transport()),
                TaskQueues.forAgent(row.agentId()), row.requestId(), row.instanceType(), termination.requestId(),
                termination.reason(), termination.requestedAt(), lifecycle.terminationTimeout(), CommandPriority.CRITICAL)));
    }

    private TerminationRequest terminationRequest(InstanceRow row, TerminateRequest body) {
        String requestId = body.requestId() != null ? body.requestId() : "terminate-" + UUID.randomUUID();
        String reason = body.reason() != null ? body.reason() : "requested by client";
        return new TerminationRequest(requestId, reason, clock.instant());
    }

    private Mono<InstanceRow> reload(InstanceRow row) {
        return instances.findById(row.instanceId());
    }

    private Mono<InstanceRow> own(Caller caller, String anyId) {
        return instances.findForClient(caller.clientId(), anyId)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("instance " + anyId)));
    }

    private Mono<AgentRow> ownAgent(Caller caller, String agentId) {
        return accounts.findAgent(agentId)
                .filter(agent -> agent.clientId().equals(caller.clientId()))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("agent " + agentId)));
    }

    /** The stable id of a launch: derived from (client, request id), so concurrent duplicates agree on it. */
    public static UUID instanceId(String clientId, String requestId) {
        return UUID.nameUUIDFromBytes(("instance/" + clientId + "/" + requestId).getBytes(StandardCharsets.UTF_8));
    }

    public static String fingerprint(String agentId, String instanceType, String role, Map<String, Object> metadata) {
        return fingerprint(agentId, instanceType, role, metadata, List.of());
    }

    /** Alternatives count only when there are some, so fingerprints of launches without them stay what they were. */
    public static String fingerprint(String agentId, String instanceType, String role, Map<String, Object> metadata,
                              List<LaunchAlternative> alternatives) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agent_id", agentId);
        body.put("instance_type", instanceType);
        body.put("role", role);
        body.put("metadata", canonical(metadata == null ? Map.of() : metadata));
        if (!alternatives.isEmpty()) {
            body.put("alternatives", alternatives.stream().map(a -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("instance_type", a.instanceType());
                m.put("subnet_id", a.subnetId());
                return m;
            }).toList());
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(JsonText.of(body).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JRE", e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Object canonical(Object value) {
        if (value instanceof Map<?, ?> map) {
            TreeMap<String, Object> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), canonical(v)));
            return sorted;
        }
        if (value instanceof java.util.List<?> list) {
            return list.stream().map(InstanceService::canonical).toList();
        }
        return value;
    }
}
