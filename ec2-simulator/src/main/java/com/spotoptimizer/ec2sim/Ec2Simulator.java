package com.spotoptimizer.ec2sim;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An EC2 stand-in that speaks EC2's Query protocol over HTTP, so the real AWS SDK client, its XML parsing,
 * retries and waiters run against it. It keeps ground truth ({@link #instances()}) and injects faults
 * ({@link #faults()}). Point a client at {@link #endpoint()} with any static credentials and us-east-1.
 */
public final class Ec2Simulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Ec2Simulator.class);

    public static final int DEFAULT_STANDALONE_PORT = 8787;
    /** EC2's warning before it reclaims a spot instance. */
    public static final Duration DEFAULT_SPOT_NOTICE = Duration.ofMinutes(2);
    /** The state reason code DescribeInstances shows on an interrupted spot instance. */
    public static final String SPOT_TERMINATION_CODE = Ec2Xml.SPOT_TERMINATION_CODE;
    public static final String SPOT_TERMINATION_MESSAGE = Ec2Xml.SPOT_TERMINATION_MESSAGE;

    private final Ec2SimulatorConfig config;
    private final InstanceStore store;
    private final Ec2Faults faults;
    private final Ec2Throttle throttle;
    private final CallLog calls = new CallLog();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final HttpServer server;
    private final ExecutorService executor;
    private final URI endpoint;

    static {
        // The JDK server writes headers and body separately; with Nagle on, the client's delayed ACK adds
        // ~40 ms to every call. Read once when the first HttpServer starts; an explicit setting wins.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private Ec2Simulator(Ec2SimulatorConfig config) throws IOException {
        this.config = config;
        this.store = new InstanceStore(config.randomSeed());
        this.faults = new Ec2Faults(config);
        this.throttle = new Ec2Throttle(config.rateLimits(), config.clock());
        this.server = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 128);
        // Unbounded on purpose: a stalled (dropped) response holds a thread, and must not starve the rest.
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "ec2-sim-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Ec2Actions actions = new Ec2Actions(store, faults, config.clock());
        server.createContext("/", new Ec2HttpHandler(actions, faults, throttle, calls, config.clock(), closing));
        server.createContext(AdminHandler.PREFIX, new AdminHandler(this));
        server.setExecutor(executor);
        server.start();
        String host = config.bindAddress().equals("0.0.0.0") ? "127.0.0.1" : config.bindAddress();
        this.endpoint = URI.create("http://" + host + ":" + server.getAddress().getPort());
    }

    /** Starts a simulator; it serves until {@link #close()}. */
    public static Ec2Simulator start(Ec2SimulatorConfig config) {
        try {
            Ec2Simulator simulator = new Ec2Simulator(config);
            log.info("EC2 simulator started endpoint={}", simulator.endpoint);
            return simulator;
        } catch (IOException e) {
            throw new UncheckedIOException("EC2 simulator could not bind " + config.bindAddress() + ":"
                    + config.port(), e);
        }
    }

    public static Ec2Simulator start() {
        return start(Ec2SimulatorConfig.defaults());
    }

    /** {@code http://127.0.0.1:<port>}: the SDK's {@code endpointOverride}. */
    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return endpoint.getPort();
    }

    public Ec2SimulatorConfig config() {
        return config;
    }

    public Clock clock() {
        return config.clock();
    }

    public Ec2Faults faults() {
        return faults;
    }

    /** The rate limits in force (see {@link Ec2RateLimits}). */
    public Ec2RateLimits rateLimits() {
        return throttle.limits();
    }

    /** New rate limits from now on; every bucket starts full again. */
    public void rateLimits(Ec2RateLimits limits) {
        throttle.configure(java.util.Objects.requireNonNull(limits, "limits"));
        log.info("EC2 rate limits changed enabled={} time_scale={}", limits.enabled(), limits.timeScale());
    }

    /** How many calls the rate-limit buckets answered {@code RequestLimitExceeded} (injected throttles not counted). */
    public long rateLimitedCount() {
        return throttle.throttledCount();
    }

    /** Tokens left per bucket ("scope action request|resource"), for tests and the admin endpoint. */
    public Map<String, Double> rateLimitLevels() {
        return throttle.levels();
    }

    /** Every instance ever launched (until {@link #reset()}), with its state evaluated now, oldest first. */
    public List<SimInstance> instances() {
        var now = config.clock().instant();
        return store.all().stream()
                .sorted(Comparator.comparing(InstanceRecord::launchTime).thenComparing(InstanceRecord::launchIndex)
                        .thenComparing(InstanceRecord::instanceId))
                .map(r -> r.toSimInstance(now)).toList();
    }

    public Optional<SimInstance> instance(String instanceId) {
        var now = config.clock().instant();
        return store.find(instanceId).map(r -> r.toSimInstance(now));
    }

    /** {@link #interruptSpot(String, Duration)} with EC2's two-minute notice. */
    public SimInstance interruptSpot(String ec2InstanceId) {
        return interruptSpot(ec2InstanceId, DEFAULT_SPOT_NOTICE);
    }

    /**
     * EC2 reclaims a running spot instance, as an outside observer sees it: from now on DescribeInstances
     * shows {@code stateReason} {@value #SPOT_TERMINATION_CODE} and a {@code stateTransitionReason}
     * {@code Service initiated (<action time> GMT)}; at the action time ({@code notice} from now, rounded up
     * to a whole second) it starts shutting down by itself and is terminated a terminate delay later.
     * A TerminateInstances during the notice still ends it sooner.
     *
     * @throws java.util.NoSuchElementException no such instance (or forgotten since it terminated)
     * @throws IllegalArgumentException a negative notice
     * @throws IllegalStateException    not a spot instance, not running, or already interrupted
     */
    public SimInstance interruptSpot(String ec2InstanceId, Duration notice) {
        if (notice == null || notice.isNegative()) {
            throw new IllegalArgumentException("notice must not be negative: " + notice);
        }
        var now = config.clock().instant();
        InstanceRecord record = store.interruptSpot(ec2InstanceId, now, notice, faults.timing());
        log.info("Spot interruption ec2_instance_id={} action_time={}", ec2InstanceId, record.interruptionActionAt());
        return record.toSimInstance(now);
    }

    /**
     * Someone outside the control plane terminates these instances, as a user in the console or another
     * tool would: the same as a TerminateInstances call (state reason {@code Client.UserInitiatedShutdown},
     * transition reason {@code User initiated (…)}), but not in the call log, since no agent made it.
     *
     * @throws RuntimeException EC2's {@code InvalidInstanceID.NotFound} for an id it does not know (nothing changes)
     */
    public List<SimInstance> terminateOutside(String... ec2InstanceIds) {
        var now = config.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        List<SimInstance> ended = store.terminate(List.of(ec2InstanceIds), now, faults.timing()).stream()
                .map(t -> t.instance().toSimInstance(now)).toList();
        log.info("Terminated outside the control plane ec2_instance_ids={}", List.of(ec2InstanceIds));
        return ended;
    }

    /** How many calls of this action arrived, whatever their outcome (throttled and dropped included). */
    public long callCount(String action) {
        return calls.count(action);
    }

    public Map<String, Long> callCounts() {
        return calls.counts();
    }

    /** The most recent calls (up to 10,000), oldest first. */
    public List<SimCall> calls() {
        return calls.calls();
    }

    /** Forgets instances, ClientTokens and calls, and clears faults back to the configuration. */
    public void reset() {
        store.reset();
        calls.reset();
        faults.clear();
        throttle.reset();
    }

    @Override
    public void close() {
        closing.countDown(); // releases stalled responses so their threads end
        server.stop(0);
        executor.shutdownNow();
        log.info("EC2 simulator stopped endpoint={}", endpoint);
    }

    /**
     * Runs standalone, e.g. in docker-compose. Port: first argument, else {@code EC2_SIM_PORT}, else 8787.
     * Binds {@code EC2_SIM_BIND} (default 0.0.0.0, so other containers reach it); delays from
     * {@code EC2_SIM_LAUNCH_DELAY_MS}, {@code EC2_SIM_TERMINATE_DELAY_MS}, {@code EC2_SIM_CONSISTENCY_WINDOW_MS};
     * EC2's rate limits with {@code EC2_SIM_RATE_LIMITS=true} (refills scaled by {@code EC2_SIM_RATE_TIME_SCALE}).
     */
    public static void main(String[] args) throws InterruptedException {
        Map<String, String> env = System.getenv();
        int port = args.length > 0 ? Integer.parseInt(args[0])
                : Integer.parseInt(env.getOrDefault("EC2_SIM_PORT", Integer.toString(DEFAULT_STANDALONE_PORT)));
        Ec2SimulatorConfig config = Ec2SimulatorConfig.defaults()
                .withBindAddress(env.getOrDefault("EC2_SIM_BIND", "0.0.0.0"))
                .withPort(port);
        config = withMillis(config, env.get("EC2_SIM_LAUNCH_DELAY_MS"), Ec2SimulatorConfig::withLaunchDelay);
        config = withMillis(config, env.get("EC2_SIM_TERMINATE_DELAY_MS"), Ec2SimulatorConfig::withTerminateDelay);
        config = withMillis(config, env.get("EC2_SIM_CONSISTENCY_WINDOW_MS"),
                Ec2SimulatorConfig::withConsistencyWindow);
        if (Boolean.parseBoolean(env.getOrDefault("EC2_SIM_RATE_LIMITS", "false"))) {
            config = config.withRateLimits(Ec2RateLimits.ec2Defaults()
                    .withTimeScale(Double.parseDouble(env.getOrDefault("EC2_SIM_RATE_TIME_SCALE", "1"))));
        }
        Ec2Simulator simulator = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::close, "ec2-sim-shutdown"));
        // Printed as well as logged: standalone runs may have no SLF4J binding on the classpath.
        System.out.println("EC2 simulator listening on " + config.bindAddress() + ":" + simulator.port());
        new CountDownLatch(1).await();
    }

    private static Ec2SimulatorConfig withMillis(Ec2SimulatorConfig config, String value,
                                                 java.util.function.BiFunction<Ec2SimulatorConfig, Duration,
                                                         Ec2SimulatorConfig> with) {
        return value == null || value.isBlank() ? config : with.apply(config, Duration.ofMillis(Long.parseLong(value)));
    }
}
