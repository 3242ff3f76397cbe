package com.spotoptimizer.local;

import com.spotoptimizer.api.ApiApplication;
import com.spotoptimizer.ec2sim.Ec2RateLimits;
import com.spotoptimizer.ec2sim.Ec2Simulator;
import com.spotoptimizer.ec2sim.Ec2SimulatorConfig;
import java.io.Closeable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The all-in-one for a newcomer and for end-to-end tests: PostgreSQL (local or embedded), an
 * in-process Temporal service on a port (real time: a 5-minute timeout takes 5 minutes), the EC2
 * simulator, the API with its control-plane worker, and the {@code demo-agent} agent-worker.
 */
public final class LocalApplication implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(LocalApplication.class);

    private final Deque<AutoCloseable> parts = new ArrayDeque<>();
    private ConfigurableApplicationContext api;
    private Ec2Simulator ec2;
    private LocalSettings settings;
    private DemoAgent demoAgent;
    private List<String> apiArgs;

    public static void main(String[] args) throws Exception {
        LocalApplication app = start(LocalSettings.fromEnvironment(), args);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "local-shutdown"));
    }

    public static LocalApplication start(LocalSettings settings, String... args) throws Exception {
        LocalApplication app = new LocalApplication();
        try {
            app.startAll(settings, args);
            return app;
        } catch (Exception e) {
            app.close();
            throw e;
        }
    }

    private void startAll(LocalSettings settings, String[] args) throws Exception {
        LocalPostgres postgres = LocalPostgres.start(settings);
        parts.push(postgres);

        // Real time (a 5-minute timeout takes 5 minutes), and no sticky execution: see InProcessTemporal.
        InProcessTemporal temporal = InProcessTemporal.start(settings.temporalPort());
        parts.push(temporal);

        ec2 = Ec2Simulator.start(Ec2SimulatorConfig.defaults()
                .withPort(settings.ec2Port())
                .withLaunchDelay(settings.ec2LaunchDelay())
                .withTerminateDelay(settings.ec2TerminateDelay())
                // A fresh id sequence per run: a kept database must not meet yesterday's EC2 ids again.
                .withRandomSeed(System.nanoTime())
                .withRateLimits(settings.ec2RateLimits()
                        ? Ec2RateLimits.ec2Defaults().withTimeScale(settings.ec2RateTimeScale()) : Ec2RateLimits.off()));
        parts.push(ec2);
        log.info("Started EC2 simulator endpoint={} rate_limits={} rate_time_scale={}", ec2.endpoint(),
                settings.ec2RateLimits(), settings.ec2RateTimeScale());

        List<String> apiArgs = new ArrayList<>(Arrays.asList(args));
        apiArgs.add("--spring.profiles.include=local");
        apiArgs.add("--spring.r2dbc.url=" + postgres.r2dbcUrl());
        apiArgs.add("--spring.r2dbc.username=" + postgres.user());
        apiArgs.add("--spring.flyway.url=" + postgres.jdbcUrl());
        apiArgs.add("--spring.flyway.user=" + postgres.user());
        apiArgs.add("--spring.temporal.connection.target=127.0.0.1:" + settings.temporalPort());
        this.apiArgs = apiArgs;
        api = new SpringApplicationBuilder(ApiApplication.class).run(apiArgs.toArray(String[]::new));
        parts.push(() -> api.close());

        this.settings = settings;
        if (DemoAgent.enabled(api)) {
            startDemoAgent();
            parts.push(this::stopDemoAgent);
        }
        log.info("Spot Optimizer is up: http://localhost:{}/ (client token demo-client-token)",
                api.getEnvironment().getProperty("local.server.port", "8080"));
    }

    public ConfigurableApplicationContext api() {
        return api;
    }

    public Ec2Simulator ec2() {
        return ec2;
    }

    public LocalSettings settings() {
        return settings;
    }

    /**
     * Stops the demo-agent as a redeployed or crashed agent-worker stops: its in-flight launches and
     * terminations go back to Temporal, to be resumed by the next agent of its task queue. For tests.
     */
    public synchronized void stopDemoAgent() {
        if (demoAgent != null) {
            demoAgent.close();
            demoAgent = null;
        }
    }

    /**
     * Restarts the API (and with it the demo-agent, which joins Temporal through the API's client) on the same
     * port, as a redeploy or a crash and restart would; the Temporal service and the simulator keep running.
     * For tests.
     */
    public synchronized void restartApi() {
        String port = api.getEnvironment().getProperty("local.server.port");
        stopDemoAgent();
        api.close();
        List<String> args = new ArrayList<>(apiArgs.stream().filter(a -> !a.startsWith("--server.port=")).toList());
        args.add("--server.port=" + port);
        api = new SpringApplicationBuilder(ApiApplication.class).run(args.toArray(String[]::new));
        if (DemoAgent.enabled(api)) {
            startDemoAgent();
        }
    }

    /** Starts a fresh demo-agent (a restarted agent-worker process); nothing if one is running. */
    public synchronized void startDemoAgent() {
        if (demoAgent == null) {
            demoAgent = DemoAgent.start(api, settings, ec2.endpoint(), ec2.faults().timing().consistencyWindow());
        }
    }

    @Override
    public void close() {
        while (!parts.isEmpty()) {
            try {
                parts.pop().close();
            } catch (Exception e) {
                log.warn("Stopping a local part failed: {}", e.toString());
            }
        }
    }
}
