package com.spotoptimizer.agent;

import com.spotoptimizer.workflows.agent.CommandPriority;
import static com.spotoptimizer.agent.testing.AgentTestEnvironment.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import com.spotoptimizer.agent.system.AgentProperties;
import com.spotoptimizer.agent.testing.AgentTestEnvironment;
import com.spotoptimizer.agent.testing.ShortHeartbeatLaunch;
import com.spotoptimizer.agent.testing.ShortHeartbeatLaunchWorkflow;
import com.spotoptimizer.ec2sim.Ec2Simulator;
import com.spotoptimizer.ec2sim.SimInstance;
import com.spotoptimizer.workflows.agent.LaunchSpec;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.launch.LaunchResult;
import com.spotoptimizer.workflows.launch.LaunchTimeouts;
import com.spotoptimizer.workflows.system.TaskQueues;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.terminate.TerminateTimeouts;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.WorkerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The process as deployed: agent-worker.yml, the starter's worker on the agent's queue, the scrape. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        AgentWorkerApplication.CONFIG_NAME,
        "spring.temporal.test-server.enabled=true",
        "spot.agent.agent-id=spring-agent",
        "spot.agent.poll-interval=50ms",
        "spot.agent.orphan-sweep.enabled=false",
        "spot.agent.ec2.access-key-id=test",
        "spot.agent.ec2.secret-access-key=test"})
class AgentWorkerApplicationTest {

    private static final Ec2Simulator sim = Ec2Simulator.start(AgentTestEnvironment.fastSimulator());

    @DynamicPropertySource
    static void ec2(DynamicPropertyRegistry registry) {
        registry.add("spot.agent.ec2.endpoint", () -> sim.endpoint().toString());
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @Autowired
    WorkflowClient client;

    @Autowired
    AgentRuntime runtime;

    @LocalServerPort
    int port;

    @Test
    void starterWorkerServesTheAgentQueueAndTheScrapeHasTheAgentSeries() throws Exception {
        assertThat(runtime.taskQueue()).isEqualTo(TaskQueues.forAgent("spring-agent"));
        // Bound from agent-worker.yml, but off: no api url and token to report to.
        assertThat(runtime.properties().interruptions())
                .isEqualTo(new AgentProperties.Interruptions(true, Duration.ofSeconds(15)));
        assertThat(runtime.interruptions()).isEmpty();
        WorkerFactory controlPlane = WorkerFactory.newInstance(client);
        controlPlane.newWorker("spring-test-launches").registerWorkflowImplementationTypes(
                ShortHeartbeatLaunchWorkflow.class);
        controlPlane.start();
        try {
            LaunchInstanceInput input = new LaunchInstanceInput("row-1", "client-1", "spring-agent",
                    Transport.TEMPORAL, runtime.taskQueue(), "req-1", "fp", "m5.large", "primary",
                    new LaunchSpec(null, null, "spot", Map.of()), "{}", Instant.now(), LaunchTimeouts.CONFIRMATION,
                    LaunchTimeouts.LATE_CONFIRMATION_WINDOW, TerminateTimeouts.CONFIRMATION, CommandPriority.CRITICAL);
            ShortHeartbeatLaunch launch = client.newWorkflowStub(ShortHeartbeatLaunch.class,
                    WorkflowOptions.newBuilder().setTaskQueue("spring-test-launches").setWorkflowId("launch-spring-1")
                            .build());
            WorkflowClient.start(launch::launch, input);
            awaitUntil("instance running", () -> sim.instances().stream().anyMatch(i -> i.state().equals("running")));
            LaunchResult result = WorkflowStub.fromTyped(launch).getResult(20, TimeUnit.SECONDS, LaunchResult.class);

            assertThat(result.status()).isEqualTo("running_primary");
            assertThat(sim.instances()).extracting(SimInstance::instanceId).containsExactly(result.ec2InstanceId());
        } finally {
            controlPlane.shutdownNow();
        }

        HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body())
                .contains("spot_ec2_inflight_instances{application=\"spot-optimizer-agent\",operation=\"launch\"}")
                .contains("spot_orphan_instances{application=\"spot-optimizer-agent\"}")
                .contains("spot_ec2_calls_total{action=\"RunInstances\",application=\"spot-optimizer-agent\",outcome=\"ok\"}");
    }
}
