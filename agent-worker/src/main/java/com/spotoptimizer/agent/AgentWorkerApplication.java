package com.spotoptimizer.agent;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The agent-worker process: one per AWS account and region. The Temporal starter runs the worker named
 * {@code agent} from agent-worker.yml on {@code spot-agent-<agentId>}; everything else is
 * {@link AgentRuntime} (see {@code system.AgentWorkerConfiguration}).
 */
@SpringBootApplication(scanBasePackages = "com.spotoptimizer.agent")
public class AgentWorkerApplication {

    /** Its own config name, so the local all-in-one (api + agent in one JVM) never reads it as the api's. */
    public static final String CONFIG_NAME = "spring.config.name=agent-worker";

    public static void main(String[] args) {
        new SpringApplicationBuilder(AgentWorkerApplication.class).properties(CONFIG_NAME).run(args);
    }
}
