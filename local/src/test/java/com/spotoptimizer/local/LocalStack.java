package com.spotoptimizer.local;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The whole local all-in-one for an end-to-end test: its own database on the machine's PostgreSQL,
 * free ports for the API, Temporal and the simulator, and the real demo-agent worker.
 */
public final class LocalStack implements AutoCloseable {

    private final LocalApplication app;
    private final String database;

    private LocalStack(LocalApplication app, String database) {
        this.app = app;
        this.database = database;
    }

    /** Fast simulator and agent polling so a launch takes well under a second. */
    public static LocalStack start(String... extraArgs) throws Exception {
        return start(Duration.ofMillis(300), Duration.ofMillis(200), Duration.ofMillis(100), extraArgs);
    }

    public static LocalStack start(Duration launchDelay, Duration terminateDelay, Duration pollInterval,
                                   String... extraArgs) throws Exception {
        String database = "spot_e2e_" + UUID.randomUUID().toString().substring(0, 8);
        LocalSettings settings = new LocalSettings(Files.createTempDirectory("spot-local"), "127.0.0.1", 5432, "postgres",
                0, database, freePort(), 0, launchDelay, terminateDelay, pollInterval);
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--spot.metrics.fleet-refresh=1s"));
        args.addAll(List.of(extraArgs));
        return new LocalStack(LocalApplication.start(settings, args.toArray(String[]::new)), database);
    }

    /** With EC2's rate limits in the simulator, refills (simulator and demo-agent alike) scaled by {@code timeScale}. */
    public static LocalStack startRateLimited(double timeScale, Duration launchDelay, Duration terminateDelay,
                                              Duration pollInterval, String... extraArgs) throws Exception {
        String database = "spot_e2e_" + UUID.randomUUID().toString().substring(0, 8);
        LocalSettings settings = new LocalSettings(Files.createTempDirectory("spot-local"), "127.0.0.1", 5432, "postgres",
                0, database, freePort(), 0, launchDelay, terminateDelay, pollInterval).withEc2RateLimits(true, timeScale);
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--spot.metrics.fleet-refresh=1s"));
        args.addAll(List.of(extraArgs));
        return new LocalStack(LocalApplication.start(settings, args.toArray(String[]::new)), database);
    }

    public LocalApplication app() {
        return app;
    }

    public String database() {
        return database;
    }

    public int port() {
        return Integer.parseInt(app.api().getEnvironment().getProperty("local.server.port"));
    }

    /** The in-process Temporal service's port, for workers and replicas in other processes. */
    public int temporalPort() {
        return app.settings().temporalPort();
    }

    public WebTestClient http() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port())
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        app.close();
    }
}
