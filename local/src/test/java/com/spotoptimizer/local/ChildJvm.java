package com.spotoptimizer.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real child JVM running one of the built runnable jars (the api's or the agent-worker's), exactly as an
 * operator starts it ({@code java -jar …-exec.jar --server.port=…}), so that {@link #kill9()} is a real
 * SIGKILL: no shutdown hook, no graceful hand-back, sockets cut. Its output goes to a file under
 * {@code target/}, read by tests that need to know what it did.
 */
public final class ChildJvm implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;

    private ChildJvm(String name, Process process, Path log, int port) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** An api replica on a free loopback port. */
    public static ChildJvm api(String name, List<String> args) {
        return start(name, "api", args);
    }

    /** An agent-worker process on a free loopback port (its management port). */
    public static ChildJvm agentWorker(String name, List<String> args) {
        return start(name, "agent-worker", args);
    }

    private static ChildJvm start(String name, String module, List<String> args) {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(javaBinary(),
                // Small and quick to start: four JVMs share two cores in CI.
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-jar", execJar(module).toString(),
                "--server.port=" + port, "--server.address=127.0.0.1"));
        command.addAll(args);
        try {
            Path log = Files.createDirectories(Path.of("target", "child-jvms")).resolve(name + ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            ChildJvm child = new ChildJvm(name, process, log, port);
            // A test JVM that dies must not leave its children running.
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, name + "-reaper"));
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until {@code /actuator/health} answers 200; fails early if the process exits. */
    public ChildJvm awaitHealthy(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + "; log:\n" + tail(60));
            }
            try {
                HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            sleep(250);
        }
        throw new AssertionError(name + " not healthy within " + atMost + "; log:\n" + tail(60));
    }

    /** SIGKILL (Process.destroyForcibly on Linux), then waits until the process is gone. */
    public void kill9() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new AssertionError(name + " survived kill -9");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Everything the process wrote so far. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    public String tail(int lines) {
        List<String> all = output().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill9();
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The module's runnable jar, built by {@code package} before this module's tests run in the reactor
     * ({@code ./mvnw verify}, or {@code -pl local -am}).
     */
    private static Path execJar(String module) {
        Path target = Path.of("..", module, "target").toAbsolutePath().normalize();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, module + "-*-exec.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new IllegalStateException("no " + module + "-*-exec.jar in " + target
                + ": build it first (./mvnw -B -pl local -am verify builds it before these tests)");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
