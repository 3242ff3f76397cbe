package com.spotoptimizer.local;

import com.spotoptimizer.agent.AgentRuntime;
import com.spotoptimizer.agent.pacing.PacingProperties;
import com.spotoptimizer.agent.system.AgentProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.client.WorkflowClient;
import java.net.URI;
import java.time.Duration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The built-in agent-worker of the local mode: {@code demo-agent}, calling the EC2 simulator. It joins
 * Temporal through the API's client exactly as a separate agent-worker process would through its own.
 */
final class DemoAgent implements AutoCloseable {

    private final AgentRuntime runtime;

    private DemoAgent(AgentRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * {@code ec2Consistency}: how long the simulator's DescribeInstances may still miss a new instance. The agent
     * waits a few times that (at least 5 s) before concluding that a launch made nothing, instead of the 60 s
     * meant for real EC2, so a termination of a launch EC2 refused settles in seconds here.
     */
    static DemoAgent start(ConfigurableApplicationContext api, LocalSettings settings, URI ec2Endpoint,
                           Duration ec2Consistency) {
        var env = api.getEnvironment();
        String agentId = env.getProperty("spot.local.demo-agent.agent-id", "demo-agent");
        String token = env.getProperty("spot.local.demo-agent.token", "demo-agent-token");
        String apiUrl = "http://127.0.0.1:" + env.getProperty("local.server.port", "8080");
        AgentProperties properties = AgentProperties.defaults(agentId)
                .withEc2(AgentProperties.Ec2.endpoint(ec2Endpoint.toString(), "local", "local")
                        .withConsistencyWindow(max(Duration.ofSeconds(5), ec2Consistency.multipliedBy(5))))
                .withPollInterval(settings.agentPollInterval())
                // The agent's buckets mirror the simulator's, at the same time scale.
                .withPacing(PacingProperties.defaults().withTimeScale(settings.ec2RateTimeScale()))
                // Heartbeats over HTTP, as a deployed agent-worker does, so the agent shows online.
                .withApi(new AgentProperties.Api(apiUrl, token, Duration.ofSeconds(15)));
        return new DemoAgent(AgentRuntime.start(properties, api.getBean(WorkflowClient.class),
                api.getBean(MeterRegistry.class)));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    static boolean enabled(ConfigurableApplicationContext api) {
        return api.getEnvironment().getProperty("spot.local.demo-agent.enabled", Boolean.class, true);
    }

    @Override
    public void close() {
        runtime.close();
    }
}
