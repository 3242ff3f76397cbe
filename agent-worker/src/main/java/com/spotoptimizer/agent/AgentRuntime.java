package com.spotoptimizer.agent;

import com.spotoptimizer.agent.command.AgentActivitiesImpl;
import com.spotoptimizer.agent.drift.ApiInstanceStateReports;
import com.spotoptimizer.agent.drift.EndedInstanceReporter;
import com.spotoptimizer.agent.drift.InstanceStateReports;
import com.spotoptimizer.agent.ec2.Ec2ClientFactory;
import com.spotoptimizer.agent.ec2.InstanceQueries;
import com.spotoptimizer.agent.ec2.InstanceWatcher;
import com.spotoptimizer.agent.ec2.OwnTerminations;
import com.spotoptimizer.agent.interruption.InterruptionWatcher;
import com.spotoptimizer.agent.launch.InstanceLauncher;
import com.spotoptimizer.agent.orphan.OrphanSweeper;
import com.spotoptimizer.agent.pacing.Ec2Pacer;
import com.spotoptimizer.agent.pacing.PacingMetrics;
import com.spotoptimizer.agent.pacing.RetryCharge;
import com.spotoptimizer.agent.presence.ApiHeartbeat;
import com.spotoptimizer.agent.system.AgentProperties;
import com.spotoptimizer.agent.system.ApiClient;
import com.spotoptimizer.agent.system.Confirmations;
import com.spotoptimizer.agent.system.Ec2Metrics;
import com.spotoptimizer.agent.terminate.InstanceTerminator;
import com.spotoptimizer.workflows.agent.AgentActivities;
import com.spotoptimizer.workflows.system.TaskQueues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.client.ActivityCompletionClient;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * One agent, without Spring: the EC2 client, the activities on the agent's task queue, the batched
 * instance watcher, the orphan sweep and, when the api is configured, its heartbeat, the spot
 * interruption reports and the reports of instances EC2 shows ended outside the agent. The agent-worker process wraps it in a Spring context; the local
 * all-in-one calls it directly, in the same JVM as the api, on the api's {@link WorkflowClient}:
 *
 * <pre>{@code
 * AgentRuntime agent = AgentRuntime.start(AgentProperties.defaults("local-agent")
 *         .withEc2(AgentProperties.Ec2.endpoint(sim.endpoint().toString(), "sim", "sim")), workflowClient, meterRegistry);
 * ...
 * agent.close(); // hands in-flight work back to Temporal, so a restarted agent resumes it at once
 * }</pre>
 *
 * {@link #start} creates a {@link WorkerFactory} of its own for {@code spot-agent-<agentId>}, so it never
 * collides with the caller's workers. With {@link Builder#externalWorker()} the caller registers
 * {@link #activities()} on a worker it owns instead (the Spring Boot starter does, from application.yml).
 */
public final class AgentRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AgentRuntime.class);
    /** Enough that a slow api call (10 s timeout) or sweep never delays the other jobs much. */
    private static final int SCHEDULE_THREADS = 3;

    private final AgentProperties properties;
    private final WorkflowClient client;
    private final boolean ownWorker;
    private final Ec2Metrics metrics;
    private final Ec2Client ec2;
    private final InstanceWatcher watcher;
    private final AgentActivities activities;
    /** RunInstances / TerminateInstances turns under EC2's rate limits; null when pacing is off. */
    private final Ec2Pacer pacer;
    private final PacingMetrics pacingMetrics;
    private final OrphanSweeper sweeper;
    private final EndedInstanceReporter endedInstances;
    /**
     * The agent's one schedule for its periodic jobs (api heartbeat, interruption and ended-instance reports,
     * orphan sweep), each at a fixed delay. The instance watcher keeps its own poller: on close it must
     * finish its last poll before it hands its work back.
     */
    private final ScheduledExecutorService schedule;
    private final ApiHeartbeat apiHeartbeat;
    private final InterruptionWatcher interruptions;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private WorkerFactory workerFactory;

    private AgentRuntime(Builder builder) {
        this.properties = builder.properties;
        this.client = builder.client;
        this.ownWorker = builder.ownWorker;
        this.metrics = new Ec2Metrics(builder.registry);
        RetryCharge retryCharge = new RetryCharge();
        this.ec2 = Ec2ClientFactory.create(properties.ec2(), metrics, retryCharge);
        InstanceQueries queries = new InstanceQueries(ec2, properties.agentId());
        OwnTerminations ownTerminations = new OwnTerminations(builder.clock);
        this.watcher = new InstanceWatcher(queries, properties.pollInterval(), builder.clock);
        metrics.inflight(watcher, w -> w.inflight(Ec2Metrics.LAUNCH), w -> w.inflight(Ec2Metrics.TERMINATE));
        Confirmations confirmations = new Confirmations(client, properties.agentId(), builder.clock);
        ActivityCompletionClient completions = client.newActivityCompletionClient();
        this.pacingMetrics = new PacingMetrics(builder.registry);
        this.pacer = properties.pacing().enabled()
                ? new Ec2Pacer(properties.pacing(), builder.clock, pacingMetrics) : null;
        retryCharge.pacer(pacer);
        this.activities = new AgentActivitiesImpl(
                new InstanceLauncher(ec2, watcher, confirmations, completions, properties.ec2(), pacer),
                new InstanceTerminator(properties.agentId(), ec2, queries, watcher, confirmations, completions,
                        properties.ec2().consistencyWindow(), ownTerminations, pacer));
        this.sweeper = new OrphanSweeper(properties.agentId(), ec2, queries, client,
                properties.controlPlaneTaskQueue(), properties.orphanSweep().gracePeriod(), metrics, builder.clock,
                watcher::inflightInstanceIds, ownTerminations, pacer);
        AtomicInteger scheduleThreads = new AtomicInteger();
        this.schedule = Executors.newScheduledThreadPool(SCHEDULE_THREADS, r -> {
            Thread t = new Thread(r, "agent-schedule-" + scheduleThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ApiClient api = properties.api().enabled() ? new ApiClient(properties.agentId(), properties.api()) : null;
        InstanceStateReports reports = !properties.endedInstances().enabled() ? null
                : builder.instanceStateReports != null ? builder.instanceStateReports
                : api == null ? null : new ApiInstanceStateReports(api);
        this.endedInstances = reports == null ? null : new EndedInstanceReporter(queries, reports,
                watcher::inflightInstanceIds, ownTerminations, metrics, builder.clock);
        this.apiHeartbeat = api == null ? null : new ApiHeartbeat(api, properties.api().heartbeatInterval());
        this.interruptions = properties.reportsInterruptions()
                ? new InterruptionWatcher(queries, api, properties.interruptions().interval(), metrics, builder.clock)
                : null;
    }

    public static Builder builder(AgentProperties properties, WorkflowClient client) {
        return new Builder(properties, client);
    }

    /** Builds and starts an agent with a worker of its own on {@code spot-agent-<agentId>}. */
    public static AgentRuntime start(AgentProperties properties, WorkflowClient client, MeterRegistry registry) {
        return builder(properties, client).meterRegistry(registry).build().start();
    }

    /** Starts the watcher, the orphan sweep and (unless external) the worker; idempotent. */
    public AgentRuntime start() {
        if (closed.get() || !started.compareAndSet(false, true)) {
            return this;
        }
        watcher.start();
        if (pacer != null) {
            pacer.start();
        }
        if (ownWorker) {
            workerFactory = WorkerFactory.newInstance(client);
            workerFactory.newWorker(taskQueue()).registerActivitiesImplementations(activities);
            workerFactory.start();
        }
        AgentProperties.OrphanSweep sweep = properties.orphanSweep();
        if (sweep.enabled()) {
            long interval = sweep.interval().toMillis();
            long first = Math.min(interval, Duration.ofMinutes(1).toMillis());
            schedule.scheduleWithFixedDelay(this::sweepSafely, first, interval, TimeUnit.MILLISECONDS);
        }
        if (endedInstances != null) {
            long poll = properties.pollInterval().toMillis();
            schedule.scheduleWithFixedDelay(endedInstances::pollSafely, poll, poll, TimeUnit.MILLISECONDS);
        }
        if (apiHeartbeat != null) {
            schedule.scheduleWithFixedDelay(apiHeartbeat::beat, 0, apiHeartbeat.interval().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        if (interruptions != null) {
            long every = interruptions.interval().toMillis();
            schedule.scheduleWithFixedDelay(interruptions::pollSafely, every, every, TimeUnit.MILLISECONDS);
        }
        log.info("Agent started agent_id={} task_queue={} own_worker={} ec2_endpoint={} region={} orphan_sweep={} "
                        + "api_heartbeat={} interruptions={} ended_instances={}", properties.agentId(), taskQueue(), ownWorker,
                properties.ec2().endpoint() == null ? "aws" : properties.ec2().endpoint(), properties.ec2().region(),
                sweep.enabled() ? sweep.interval() : "off", apiHeartbeat == null ? "off" : properties.api().url(),
                interruptions == null ? "off" : properties.interruptions().interval(),
                endedInstances == null ? "off" : properties.pollInterval());
        return this;
    }

    /** The activity implementation, for a caller that runs its own worker ({@link Builder#externalWorker()}). */
    public AgentActivities activities() {
        return activities;
    }

    public String agentId() {
        return properties.agentId();
    }

    public String taskQueue() {
        return TaskQueues.forAgent(properties.agentId());
    }

    public AgentProperties properties() {
        return properties;
    }

    /** The pacer, or empty when pacing is off. */
    public Optional<Ec2Pacer> pacer() {
        return Optional.ofNullable(pacer);
    }

    public InstanceWatcher watcher() {
        return watcher;
    }

    /** The orphan sweep, also callable on demand ({@link OrphanSweeper#sweepOnce()}). */
    public OrphanSweeper sweeper() {
        return sweeper;
    }

    /** The spot interruption reports, or empty when off (disabled, or no api url and token). */
    public Optional<InterruptionWatcher> interruptions() {
        return Optional.ofNullable(interruptions);
    }

    /** The report of instances EC2 shows ended outside this agent, or empty when off (no api and no reports given). */
    public Optional<EndedInstanceReporter> endedInstances() {
        return Optional.ofNullable(endedInstances);
    }

    /** Returns once the sweep has queued its terminations: a paced one's turn is not waited for on this schedule. */
    private void sweepSafely() {
        try {
            sweeper.sweep().whenComplete((report, e) -> {
                if (e != null) {
                    log.warn("Orphan sweep failed agent_id={} error={}", properties.agentId(), e.toString());
                }
            });
        } catch (RuntimeException e) {
            log.warn("Orphan sweep failed agent_id={} error={}", properties.agentId(), e.toString());
        }
    }

    /**
     * Stops taking work, then hands every in-flight launch and termination back to Temporal as a
     * retryable failure: the next attempt (same ClientToken, so the same instance) runs on whichever agent
     * of this queue is alive, without waiting for a heartbeat timeout. Then closes the EC2 client.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (workerFactory != null) {
            workerFactory.shutdown();
            workerFactory.awaitTermination(30, TimeUnit.SECONDS);
        }
        schedule.shutdownNow();
        if (pacer != null) {
            pacer.close(); // queued calls go back to Temporal, like the watcher's work
        }
        pacingMetrics.close();
        watcher.close();
        metrics.close();
        ec2.close();
        log.info("Agent stopped agent_id={}", properties.agentId());
    }

    public static final class Builder {
        private final AgentProperties properties;
        private final WorkflowClient client;
        private MeterRegistry registry = new SimpleMeterRegistry();
        private Clock clock = Clock.systemUTC();
        private boolean ownWorker = true;
        private InstanceStateReports instanceStateReports;

        private Builder(AgentProperties properties, WorkflowClient client) {
            this.properties = properties;
            this.client = client;
        }

        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** The time confirmations carry, the orphan grace period is measured with and interruptions default from. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Where ended instances are reported instead of the api's {@code instance-state} endpoint (tests). */
        public Builder instanceStateReports(InstanceStateReports reports) {
            this.instanceStateReports = reports;
            return this;
        }

        /** Don't create a worker: the caller registers {@link #activities()} on its own. */
        public Builder externalWorker() {
            this.ownWorker = false;
            return this;
        }

        public AgentRuntime build() {
            return new AgentRuntime(this);
        }
    }
}
