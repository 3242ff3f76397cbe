package com.spotoptimizer.agent.system;

import com.spotoptimizer.agent.AgentRuntime;
import com.spotoptimizer.workflows.agent.AgentActivities;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.client.WorkflowClient;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The agent-worker process's beans: a thin wrapper around {@link AgentRuntime}. The starter's worker
 * ({@code spring.temporal.workers[name=agent]}) runs {@code agentActivities}; the runtime only adds the
 * watcher and the orphan sweep, and on shutdown (after the starter's workers stopped, since they depend on
 * it) hands in-flight work back. The local all-in-one does not scan this package and calls
 * {@link AgentRuntime#start} itself.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AgentProperties.class)
public class AgentWorkerConfiguration {

    @Bean(initMethod = "start", destroyMethod = "close")
    AgentRuntime agentRuntime(AgentProperties properties, WorkflowClient workflowClient, MeterRegistry meterRegistry) {
        return AgentRuntime.builder(properties, workflowClient).meterRegistry(meterRegistry).externalWorker().build();
    }

    @Bean
    AgentActivities agentActivities(AgentRuntime agentRuntime) {
        return agentRuntime.activities();
    }
}
