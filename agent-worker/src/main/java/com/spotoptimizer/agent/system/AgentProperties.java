package com.spotoptimizer.agent.system;

import com.spotoptimizer.agent.pacing.PacingProperties;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * Configuration of one agent ({@code spot.agent.*}). Every component may be null when built by hand
 * (the local mode does): the compact constructors fill in the defaults, so a running agent never sees
 * a null setting.
 *
 * @param agentId               the agent this worker serves; its task queue is {@code spot-agent-<agentId>}
 * @param ec2                   how to reach EC2
 * @param pollInterval          one batched DescribeInstances per interval for all in-flight instances (5 s)
 * @param orphanSweep           the sweep for tagged instances nobody owns
 * @param controlPlaneTaskQueue where {@code OrphanCheckWorkflow} runs ({@code spot-control-plane})
 * @param api                   the api's agent heartbeat, so the agent shows online (off unless url and token are set)
 * @param interruptions         spot interruption notices reported to the api as emergencies (needs {@code api})
 * @param endedInstances        instances EC2 shows ended outside the agent, reported to the api (needs {@code api})
 * @param pacing                RunInstances / TerminateInstances paced under EC2's rate limits, by priority
 */
@ConfigurationProperties("spot.agent")
public record AgentProperties(String agentId, Ec2 ec2, Duration pollInterval, OrphanSweep orphanSweep,
                              String controlPlaneTaskQueue, Api api, Interruptions interruptions,
                              EndedInstances endedInstances, PacingProperties pacing) {

    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);
    public static final String DEFAULT_CONTROL_PLANE_TASK_QUEUE = "spot-control-plane";

    @ConstructorBinding
    public AgentProperties {
        if (agentId == null || agentId.isBlank()) {
            throw new IllegalArgumentException("spot.agent.agent-id is required");
        }
        ec2 = ec2 == null ? Ec2.defaults() : ec2;
        pollInterval = positive(pollInterval, DEFAULT_POLL_INTERVAL);
        orphanSweep = orphanSweep == null ? OrphanSweep.defaults() : orphanSweep;
        controlPlaneTaskQueue = blankToNull(controlPlaneTaskQueue) == null
                ? DEFAULT_CONTROL_PLANE_TASK_QUEUE : controlPlaneTaskQueue;
        api = api == null ? Api.off() : api;
        interruptions = interruptions == null ? Interruptions.defaults() : interruptions;
        endedInstances = endedInstances == null ? EndedInstances.defaults() : endedInstances;
        pacing = pacing == null ? PacingProperties.defaults() : pacing;
    }

    /** Without pacing settings (callers from before pacing): EC2's figures. */
    public AgentProperties(String agentId, Ec2 ec2, Duration pollInterval, OrphanSweep orphanSweep,
                           String controlPlaneTaskQueue, Api api, Interruptions interruptions,
                           EndedInstances endedInstances) {
        this(agentId, ec2, pollInterval, orphanSweep, controlPlaneTaskQueue, api, interruptions, endedInstances, null);
    }

    public AgentProperties withPacing(PacingProperties pacing) {
        return new AgentProperties(agentId, ec2, pollInterval, orphanSweep, controlPlaneTaskQueue, api, interruptions,
                endedInstances, pacing);
    }

    /** Real AWS in us-east-1 through the default credential chain, with every other default. */
    public static AgentProperties defaults(String agentId) {
        return new AgentProperties(agentId, null, null, null, null, null, null, null, null);
    }

    public AgentProperties withEc2(Ec2 ec2) {
        return new AgentProperties(agentId, ec2, pollInterval, orphanSweep, controlPlaneTaskQueue, api, interruptions, endedInstances, pacing);
    }

    public AgentProperties withPollInterval(Duration pollInterval) {
        return new AgentProperties(agentId, ec2, pollInterval, orphanSweep, controlPlaneTaskQueue, api, interruptions, endedInstances, pacing);
    }

    public AgentProperties withOrphanSweep(OrphanSweep orphanSweep) {
        return new AgentProperties(agentId, ec2, pollInterval, orphanSweep, controlPlaneTaskQueue, api, interruptions, endedInstances, pacing);
    }

    public AgentProperties withControlPlaneTaskQueue(String queue) {
        return new AgentProperties(agentId, ec2, pollInterval, orphanSweep, queue, api, interruptions, endedInstances, pacing);
    }

    public AgentProperties withApi(Api api) {
        return new AgentProperties(agentId, ec2, pollInterval, orphanSweep, controlPlaneTaskQueue, api, interruptions, endedInstances, pacing);
    }

    public AgentProperties withInterruptions(Interruptions interruptions) {
        return new AgentProperties(agentId, ec2, pollInterval, orphanSweep, controlPlaneTaskQueue, api, interruptions, endedInstances, pacing);
    }

    public AgentProperties withEndedInstances(EndedInstances endedInstances) {
        return new AgentProperties(agentId, ec2, pollInterval, orphanSweep, controlPlaneTaskQueue, api, interruptions,
                endedInstances, pacing);
    }

    /** Whether the interruption watcher runs: enabled, and the api it reports to is configured. */
    public boolean reportsInterruptions() {
        return interruptions.enabled() && api.enabled();
    }

    /**
     * @param endpoint              EC2 endpoint override; empty means real AWS
     * @param region                AWS region (us-east-1)
     * @param accessKeyId           static credentials; empty means the default credential chain
     * @param secretAccessKey       static credentials; empty means the default credential chain
     * @param defaultImageId        AMI when a launch names none
     * @param defaultSubnetId       subnet when a launch names none; empty lets EC2 choose
     * @param maxAttempts           SDK attempts per call for throttling, 5xx and I/O errors (4)
     * @param apiCallAttemptTimeout one HTTP attempt; a lost response is retried with the same ClientToken (10 s)
     * @param maxConnections        HTTP connection pool size (100)
     * @param consistencyWindow     how long DescribeInstances may still miss an instance after RunInstances (60 s):
     *                              a termination without an EC2 id keeps looking this long before it concludes
     *                              that nothing was launched
     */
    public record Ec2(String endpoint, String region, String accessKeyId, String secretAccessKey,
                      String defaultImageId, String defaultSubnetId, Integer maxAttempts,
                      Duration apiCallAttemptTimeout, Integer maxConnections, Duration consistencyWindow) {

        public static final String DEFAULT_REGION = "us-east-1";
        public static final String DEFAULT_IMAGE_ID = "ami-0123456789abcdef0";
        public static final Duration DEFAULT_CONSISTENCY_WINDOW = Duration.ofSeconds(60);

        public Ec2 {
            endpoint = blankToNull(endpoint);
            region = blankToNull(region) == null ? DEFAULT_REGION : region;
            accessKeyId = blankToNull(accessKeyId);
            secretAccessKey = blankToNull(secretAccessKey);
            defaultImageId = blankToNull(defaultImageId) == null ? DEFAULT_IMAGE_ID : defaultImageId;
            defaultSubnetId = blankToNull(defaultSubnetId);
            maxAttempts = maxAttempts == null || maxAttempts < 1 ? 4 : maxAttempts;
            apiCallAttemptTimeout = positive(apiCallAttemptTimeout, Duration.ofSeconds(10));
            maxConnections = maxConnections == null || maxConnections < 1 ? 100 : maxConnections;
            // Zero is allowed (conclude at the first empty answer); only a missing or negative value defaults.
            consistencyWindow = consistencyWindow == null || consistencyWindow.isNegative()
                    ? DEFAULT_CONSISTENCY_WINDOW : consistencyWindow;
        }

        public static Ec2 defaults() {
            return new Ec2(null, null, null, null, null, null, null, null, null, null);
        }

        /** An endpoint with static credentials: the EC2 simulator, or any EC2-compatible endpoint. */
        public static Ec2 endpoint(String endpoint, String accessKeyId, String secretAccessKey) {
            return new Ec2(endpoint, null, accessKeyId, secretAccessKey, null, null, null, null, null, null);
        }

        public Ec2 withApiCallAttemptTimeout(Duration timeout) {
            return new Ec2(endpoint, region, accessKeyId, secretAccessKey, defaultImageId, defaultSubnetId,
                    maxAttempts, timeout, maxConnections, consistencyWindow);
        }

        public Ec2 withConsistencyWindow(Duration window) {
            return new Ec2(endpoint, region, accessKeyId, secretAccessKey, defaultImageId, defaultSubnetId,
                    maxAttempts, apiCallAttemptTimeout, maxConnections, window);
        }

        public boolean hasStaticCredentials() {
            return accessKeyId != null && secretAccessKey != null;
        }
    }

    /**
     * @param enabled     whether the sweep runs on a schedule (true)
     * @param interval    time between sweeps (5 min)
     * @param gracePeriod an orphan younger than this (since its EC2 launch time) is counted, not terminated (10 min)
     */
    public record OrphanSweep(Boolean enabled, Duration interval, Duration gracePeriod) {

        public OrphanSweep {
            enabled = enabled == null || enabled;
            interval = positive(interval, Duration.ofMinutes(5));
            gracePeriod = gracePeriod == null || gracePeriod.isNegative() ? Duration.ofMinutes(10) : gracePeriod;
        }

        public static OrphanSweep defaults() {
            return new OrphanSweep(null, null, null);
        }
    }

    /**
     * @param url               the api's base URL, e.g. {@code http://api:8080}; empty: no heartbeat
     * @param token             this agent's bearer token
     * @param heartbeatInterval time between heartbeats (30 s; the api marks an agent offline after missing several)
     */
    public record Api(String url, String token, Duration heartbeatInterval) {

        public Api {
            url = blankToNull(url);
            token = blankToNull(token);
            heartbeatInterval = positive(heartbeatInterval, Duration.ofSeconds(30));
        }

        public static Api off() {
            return new Api(null, null, null);
        }

        public boolean enabled() {
            return url != null && token != null;
        }
    }

    /**
     * @param enabled  whether managed spot instances are watched for interruption notices (true; still off
     *                 without {@code spot.agent.api.url} and {@code token}, since the reports go there)
     * @param interval one DescribeInstances over the managed spot fleet per interval (15 s; EC2 gives 2 min notice)
     */
    public record Interruptions(Boolean enabled, Duration interval) {

        public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);

        public Interruptions {
            enabled = enabled == null || enabled;
            interval = positive(interval, DEFAULT_INTERVAL);
        }

        public static Interruptions defaults() {
            return new Interruptions(null, null);
        }

        public static Interruptions off() {
            return new Interruptions(false, null);
        }

        public static Interruptions every(Duration interval) {
            return new Interruptions(true, interval);
        }
    }

    /**
     * @param enabled whether instances EC2 shows ended outside the agent are reported to the api (true; still off
     *                without {@code spot.agent.api.url} and {@code token}): one DescribeInstances per poll interval
     */
    public record EndedInstances(Boolean enabled) {

        public EndedInstances {
            enabled = enabled == null || enabled;
        }

        public static EndedInstances defaults() {
            return new EndedInstances(null);
        }

        public static EndedInstances off() {
            return new EndedInstances(false);
        }
    }

    private static Duration positive(Duration value, Duration fallback) {
        return value == null || value.isZero() || value.isNegative() ? fallback : value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
