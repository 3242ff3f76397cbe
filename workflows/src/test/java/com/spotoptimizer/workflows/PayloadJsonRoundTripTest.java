package com.spotoptimizer.workflows;

import com.spotoptimizer.workflows.agent.CommandPriority;
import com.spotoptimizer.workflows.move.DemoteTo;
import com.spotoptimizer.workflows.move.Demotion;
import com.spotoptimizer.workflows.move.FailoverInput;
import com.spotoptimizer.workflows.move.MoveCommand;
import com.spotoptimizer.workflows.move.MoveResult;
import com.spotoptimizer.workflows.move.PromoteInstanceInput;
import com.spotoptimizer.workflows.move.RequestedPromotion;
import com.spotoptimizer.workflows.move.SwitchInstanceInput;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.workflows.agent.LaunchCommand;
import com.spotoptimizer.workflows.agent.LaunchSpec;
import com.spotoptimizer.workflows.agent.TerminateCommand;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.launch.LaunchProgress;
import com.spotoptimizer.workflows.launch.LaunchResult;
import com.spotoptimizer.workflows.lifecycle.ConfirmationVerdict;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.agent.LaunchAlternative;
import com.spotoptimizer.workflows.lifecycle.LaunchAttempt;
import com.spotoptimizer.workflows.lifecycle.LaunchCallMade;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.lifecycle.LaunchQueued;
import com.spotoptimizer.workflows.lifecycle.LaunchRefusal;
import com.spotoptimizer.workflows.lifecycle.Outcome;
import com.spotoptimizer.workflows.lifecycle.TerminationCallMade;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import com.spotoptimizer.workflows.lifecycle.TerminationQueued;
import com.spotoptimizer.workflows.lifecycle.TerminationRequest;
import com.spotoptimizer.workflows.orphan.TaggedInstance;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.terminate.TerminateInstanceInput;
import com.spotoptimizer.workflows.terminate.TerminateResult;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every payload record survives Temporal's default data converter unchanged: JSON, Instants, Durations, nulls. */
class PayloadJsonRoundTripTest {

    private static final DataConverter CONVERTER = DefaultDataConverter.newDefaultInstance();

    private static final Instant REQUESTED = Instant.parse("2025-03-04T05:06:07.123456789Z");
    private static final Instant CONFIRMED = Instant.parse("2025-03-04T05:08:09.5Z");
    private static final String INSTANCE = "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b";

    static Stream<Record> samples() {
        LaunchSpec spec = new LaunchSpec("ami-0123456789abcdef0", "subnet-0a1b", "spot",
                new LinkedHashMap<>(Map.of("team", "ml", "cost-center", "42")));
        InstanceSnapshot snapshot = new InstanceSnapshot(INSTANCE, "i-0abc", "client-1", "a1", "req-1", "sha256:f",
                "m5.large", "primary", "running_primary", null, REQUESTED, null, 3);
        return Stream.of(
                new LaunchInstanceInput(INSTANCE, "client-1", "a1", Transport.TEMPORAL, "spot-agent-a1", "req-1",
                        "sha256:f", "m5.large", "replica", spec, "{\"team\":\"ml\"}", REQUESTED,
                        Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofSeconds(180, 250_000_000), CommandPriority.CRITICAL),
                new LaunchInstanceInput(INSTANCE, "client-1", "a1", Transport.TEMPORAL, "spot-agent-a1", "req-2",
                        "sha256:f", "m5.large", "primary", spec, "{}", REQUESTED, Duration.ofMinutes(5),
                        Duration.ofMinutes(30), Duration.ofMinutes(3), CommandPriority.ML_NORMAL_SWITCH,
                        Duration.ofMinutes(45), List.of(new LaunchAlternative("c5.large", "subnet-0b2"),
                        new LaunchAlternative("r5.large", null))),
                new LaunchAlternative("c5.large", null),
                new LaunchCallMade(INSTANCE, "agent-1", CONFIRMED),
                new LaunchCallMade(INSTANCE, "agent-1", CONFIRMED, 2),
                new LaunchQueued(INSTANCE, "agent-1", "waiting for RunInstances capacity budget; 1,000+ ahead at priority ≥ 25",
                        REQUESTED),
                new LaunchAttempt(INSTANCE, 1, "c5.large", "subnet-0b2", List.of(new LaunchAttempt.SkippedAlternative(
                        "m5.large", "subnet-0a1b", "InsufficientInstanceCapacity: no capacity"))),
                new LaunchAttempt(INSTANCE, 2, null, null, List.of()),
                new LaunchAttempt(INSTANCE, 1, "c5.large", null, List.of(), new LaunchCommand("launch-client-1-req-1",
                        "launch-" + INSTANCE, INSTANCE, "client-1", "req-1", "ef".repeat(32), "c5.large", "primary", spec,
                        Map.of(), CommandPriority.CRITICAL, 1)),
                new TerminateInstanceInput(INSTANCE, "client-1", "a1", Transport.HTTP, "spot-agent-a1", "req-1",
                        "m5.large", "term-1", "user requested", REQUESTED, Duration.ofMinutes(3), CommandPriority.CRITICAL),
                snapshot,
                new InstanceSnapshot(INSTANCE, null, "client-1", "a1", "req-1", "sha256:f", "m5.large", "replica",
                        "launch_timed_out", "not confirmed within 300s", REQUESTED, CONFIRMED, Long.MAX_VALUE),
                new LaunchConfirmation(INSTANCE, "agent-1", "i-0abc", CONFIRMED),
                new TerminationConfirmation(INSTANCE, "agent-1", null, CONFIRMED),
                new TerminationCallMade(INSTANCE, "agent-1", CONFIRMED),
                new TerminationQueued(INSTANCE, "agent-1", "waiting for TerminateInstances capacity budget", REQUESTED),
                new TerminateInstanceInput(INSTANCE, "client-1", "a1", Transport.TEMPORAL, "spot-agent-a1", "req-1",
                        "m5.large", "term-2", "switch", REQUESTED, Duration.ofMinutes(3), CommandPriority.MANUAL_SWITCH,
                        Duration.ofMinutes(20)),
                new TerminationRequest("term-1", "user changed their mind", REQUESTED),
                new Outcome(INSTANCE, "InsufficientInstanceCapacity: no capacity"),
                new LaunchRefusal(INSTANCE, "InsufficientInstanceCapacity: no capacity", "InsufficientInstanceCapacity", 1),
                new LaunchRefusal(INSTANCE, "refused by the agent", null, null),
                new LaunchCommand("launch-client-1-req-1", "launch-" + INSTANCE, INSTANCE, "client-1", "req-1",
                        "ab".repeat(32), "m5.large", "primary", spec, Map.of("spot-optimizer:instance-id", INSTANCE), CommandPriority.CRITICAL),
                new LaunchCommand("launch-client-1-req-1", "launch-" + INSTANCE, INSTANCE, "client-1", "req-1",
                        "cd".repeat(32), "c5.large", "primary", spec, Map.of(), CommandPriority.MANUAL_SWITCH, 1),
                spec,
                LaunchSpec.empty(),
                new TerminateCommand("terminate-" + INSTANCE, "terminate-" + INSTANCE + "-term-1", INSTANCE, null,
                        "ab".repeat(32), CommandPriority.CRITICAL),
                new LaunchResult(INSTANCE, "i-0abc", "running_primary", null),
                new LaunchProgress("awaiting_confirmation", snapshot, true),
                new LaunchProgress("recording", null, false),
                new TerminateResult(INSTANCE, "termination_failed", "UnauthorizedOperation: not authorized"),
                new TaggedInstance("i-0orphan", INSTANCE, "client-1", "req-1", "running"),
                ConfirmationVerdict.accepted(snapshot),
                ConfirmationVerdict.refused(ConfirmationVerdict.EC2_ID_MISMATCH, "i-0abc", snapshot),
                moveCommand(null),
                moveCommand(CONFIRMED),
                new Demotion(INSTANCE, "7a1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b", "switch sw-1"),
                MoveResult.succeeded("cmd-1", INSTANCE, "7a1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b", "replaced"),
                MoveResult.failed(null, "replica ended during promotion", null, INSTANCE),
                new PromoteInstanceInput("client-1", "p-1", INSTANCE, null, DemoteTo.REPLICA, null),
                new PromoteInstanceInput("client-1", "p-2", INSTANCE, "7a1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b",
                        DemoteTo.TERMINATED, terminate()),
                new RequestedPromotion(INSTANCE, DemoteTo.TERMINATED),
                new SwitchInstanceInput(moveCommand(null), INSTANCE, launch(spec), terminate(), Duration.ofSeconds(330)),
                new FailoverInput("client-1", INSTANCE, "1741064767", CONFIRMED, null, null, launch(spec), terminate()),
                new FailoverInput("client-1", INSTANCE, "1741064767", CONFIRMED, "7a1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b",
                        launch(spec), launch(spec), terminate()));
    }

    private static MoveCommand moveCommand(Instant notBefore) {
        return new MoveCommand("cmd-1", "client-1", "a1", Transport.HTTP, INSTANCE, "SCHEDULED_MAINTENANCE",
                CommandPriority.SCHEDULED_MAINTENANCE, "mnt-1", "{\"instance_id\":\"" + INSTANCE + "\"}", REQUESTED,
                notBefore);
    }

    private static LaunchInstanceInput launch(LaunchSpec spec) {
        return new LaunchInstanceInput(INSTANCE, "client-1", "a1", Transport.TEMPORAL, "spot-agent-a1",
                "move.sw-1.replacement", "sha256:f", "m6i.large", "replica", spec, "{\"replica_of\":\"x\"}", REQUESTED,
                Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofMinutes(3), CommandPriority.MANUAL_SWITCH);
    }

    private static TerminateInstanceInput terminate() {
        return new TerminateInstanceInput(INSTANCE, "client-1", "a1", Transport.HTTP, "spot-agent-a1", "req-1",
                "m5.large", "move.sw-1.old", "replaced", REQUESTED, Duration.ofMinutes(3), CommandPriority.MANUAL_SWITCH);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void recordSurvivesTheDefaultDataConverter(Record value) {
        Payload payload = CONVERTER.toPayload(value).orElseThrow();

        Object back = CONVERTER.fromPayload(payload, value.getClass(), value.getClass());

        assertThat(payload.getMetadataMap().get("encoding").toStringUtf8()).isEqualTo("json/plain");
        assertThat(back).isEqualTo(value);
    }

    @Test
    void everyPayloadRecordHasASample() throws IOException, URISyntaxException {
        Path classes = Path.of(LaunchInstanceInput.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> records;
        try (Stream<Path> files = Files.walk(classes)) {
            records = files.map(classes::relativize).map(Path::toString)
                    .filter(name -> name.endsWith(".class") && !name.contains("$"))
                    .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.'))
                    .map(PayloadJsonRoundTripTest::load)
                    .filter(Class::isRecord)
                    .<Class<?>>map(type -> type)
                    .toList();
        }

        assertThat(records).as("records under com.spotoptimizer.workflows").isNotEmpty()
                .allSatisfy(type -> assertThat(type.getPackageName()).startsWith("com.spotoptimizer.workflows"));
        assertThat(samples().map(Object::getClass).distinct().toList())
                .containsExactlyInAnyOrderElementsOf(records);
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, PayloadJsonRoundTripTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
