package com.spotoptimizer.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.workflows.launch.LaunchInstanceWorkflowImpl;
import com.spotoptimizer.workflows.move.InterruptionFailoverWorkflowImpl;
import com.spotoptimizer.workflows.move.PromoteInstanceWorkflowImpl;
import com.spotoptimizer.workflows.move.SwitchInstanceWorkflowImpl;
import com.spotoptimizer.workflows.terminate.TerminateInstanceWorkflowImpl;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Determinism guard: histories recorded from earlier runs (see
 * {@link com.spotoptimizer.workflows.testing.RecordWorkflowHistories}) must replay against today's
 * workflow code. A failure here means running workflows would break on deploy: version the change
 * with {@code Workflow.getVersion} instead of editing the fixture.
 */
class WorkflowHistoryReplayTest {

    private static final String DIRECTORY = "histories";

    static Stream<String> histories() throws IOException, URISyntaxException {
        URL directory = WorkflowHistoryReplayTest.class.getClassLoader().getResource(DIRECTORY);
        if (directory == null) {
            throw new IllegalStateException("no " + DIRECTORY + " directory on the test classpath");
        }
        try (Stream<Path> files = Files.list(Path.of(directory.toURI()))) {
            return files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".json")).sorted()
                    .toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("histories")
    void recordedHistoryReplaysAgainstTheCurrentWorkflowCode(String fileName) throws Exception {
        WorkflowReplayer.replayWorkflowExecution(read(fileName),
                LaunchInstanceWorkflowImpl.class, TerminateInstanceWorkflowImpl.class, PromoteInstanceWorkflowImpl.class,
                SwitchInstanceWorkflowImpl.class, InterruptionFailoverWorkflowImpl.class);
    }

    @Test
    void fixturesCoverTheLaunchTerminationAndMovePathsThatMatter() throws Exception {
        List<String> names = histories().toList();

        assertThat(names).contains(
                "launch-http-confirmed.json",
                "launch-temporal-confirmed.json",
                "launch-timed-out-then-confirmed-late.json",
                "launch-terminated-while-launching.json",
                "terminate-late-instance.json",
                "terminate-after-terminate-while-launching.json",
                "terminate-timed-out.json",
                "launch-queued-then-called.json",
                "launch-capacity-fallback.json",
                "terminate-queued-then-called.json",
                "launch-http-capacity-fallback.json");
        // The version marker's change id is a base64 JSON string: "http-capacity-fallback".
        assertThat(read("launch-http-capacity-fallback.json"))
                .contains("EVENT_TYPE_MARKER_RECORDED", "Imh0dHAtY2FwYWNpdHktZmFsbGJhY2si", "\"reportLaunchRefused\"",
                        "RecordLaunchAttempt");
        assertThat(read("terminate-queued-then-called.json"))
                .contains("EVENT_TYPE_MARKER_RECORDED", "\"terminationQueued\"", "\"terminationCallMade\"");
        assertThat(read("launch-queued-then-called.json"))
                .contains("EVENT_TYPE_MARKER_RECORDED", "\"launchQueued\"", "\"launchCallMade\"");
        assertThat(read("launch-capacity-fallback.json")).contains("EVENT_TYPE_MARKER_RECORDED", "RecordLaunchAttempt");
        assertThat(names).contains(
                "move-switch-succeeded.json",
                "move-switch-replacement-refused.json",
                "move-promote-demote-to-replica.json",
                "move-failover-with-replica.json");
        assertThat(read("move-switch-succeeded.json"))
                .contains("EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED", "EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED");
        assertThat(read("move-failover-with-replica.json")).contains("EVENT_TYPE_TIMER_FIRED");
        assertThat(read("launch-timed-out-then-confirmed-late.json"))
                .contains("EVENT_TYPE_TIMER_FIRED", "EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED");
        assertThat(read("launch-terminated-while-launching.json"))
                .contains("EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED", "EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED");
    }

    private static String read(String fileName) throws IOException {
        try (InputStream in = WorkflowHistoryReplayTest.class.getClassLoader()
                .getResourceAsStream(DIRECTORY + "/" + fileName)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + fileName);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
