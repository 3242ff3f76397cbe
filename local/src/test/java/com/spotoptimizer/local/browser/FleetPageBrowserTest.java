package com.spotoptimizer.local.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.spotoptimizer.local.LocalStack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The fleet page in a real headless Chromium against the whole local all-in-one: sign in, launch (the
 * table row's spinner), running with its duration, the instance's detail timeline opened by keyboard,
 * terminate there (the timeline grows live), terminated; then the SSE stream is cut mid-launch and the
 * page must come back live with every missed change and nothing twice; then status filter, search,
 * back and reload; bulk terminate; and axe-core with no serious or critical violation. The browser side is
 * {@code ui/e2e/fleet.e2e.mjs} (playwright-core driving Debian's {@code /usr/bin/chromium}; no browser
 * download); this class starts the stack, runs it with {@code node} and saves its screenshots under
 * {@code local/target/screenshots/}.
 *
 * <p>Nothing is skipped: without {@code node}, {@code npm} (first run only) or {@code /usr/bin/chromium}
 * the test fails and says what to install.
 */
class FleetPageBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(4);

    @Test
    void signInLaunchTerminateAndRecoverFromACutStreamInChromium() throws Exception {
        Path module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
        Path e2e = module.resolveSibling("ui").resolve("e2e");
        Path script = e2e.resolve("fleet.e2e.mjs");
        assertThat(script).as("the browser script").exists();
        Path screenshots = module.resolve("target/screenshots");

        String nodeVersion = requireTool(List.of("node", "--version"),
                "node is not on the PATH: install Node.js 20.19+ (with npm) to run the fleet page's browser test");
        if (!Files.isExecutable(CHROMIUM)) {
            fail(CHROMIUM + " is missing: install Debian's Chromium (apt-get install -y chromium); "
                    + "the browser test drives it with playwright-core and downloads no browser");
        }
        installPlaywrightCore(e2e);
        System.out.printf("[browser test] node %s, %s, playwright-core from %s%n", nodeVersion, CHROMIUM, e2e);

        // Launches slow enough (1.8 s in the simulator) that the spinner is there to be seen.
        try (LocalStack stack = LocalStack.start(Duration.ofMillis(1800), Duration.ofMillis(1000), Duration.ofMillis(200))) {
            String base = "http://127.0.0.1:" + stack.port();
            requireRealFleetPage(base);
            Files.createDirectories(screenshots);

            ProcessBuilder builder = new ProcessBuilder("node", script.toString()).directory(e2e.toFile())
                    .redirectErrorStream(true);
            builder.environment().put("SPOT_BASE_URL", base);
            builder.environment().put("SCREENSHOT_DIR", screenshots.toString());
            builder.environment().put("CHROMIUM_PATH", CHROMIUM.toString());
            builder.environment().put("E2E_TIMEOUT_MS", String.valueOf(SCRIPT_TIMEOUT.minusSeconds(10).toMillis()));
            Run run = run(builder, SCRIPT_TIMEOUT);
            assertThat(run.exitCode()).as("node fleet.e2e.mjs exit code; its output:%n%s", run.output()).isZero();
        }
        for (String name : List.of("fleet-1-launching.png", "fleet-2-running.png", "fleet-3-reconnecting.png",
                "fleet-4-recovered-laptop.png", "fleet-5-phone.png", "fleet-6-detail.png", "fleet-7-filtered.png")) {
            assertThat(screenshots.resolve(name)).as("screenshot").isNotEmptyFile();
        }
    }

    /** {@code npm ci} in ui/e2e when its packages are not installed there yet (a fresh or an older checkout). */
    private static void installPlaywrightCore(Path e2e) throws Exception {
        // Every package the script loads: a checkout installed before one was added must install again.
        if (Files.isRegularFile(e2e.resolve("node_modules/playwright-core/package.json"))
                && Files.isRegularFile(e2e.resolve("node_modules/axe-core/axe.min.js"))) {
            return;
        }
        requireTool(List.of("npm", "--version"),
                "npm is not on the PATH: install Node.js 20.19+ with npm (ui/e2e needs `npm ci` once for playwright-core)");
        System.out.println("[browser test] npm ci in " + e2e);
        Run run = run(new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(e2e.toFile())
                .redirectErrorStream(true), Duration.ofMinutes(3));
        assertThat(run.exitCode()).as("npm ci in %s; its output:%n%s", e2e, run.output()).isZero();
    }

    /** The API serves the built UI; a build without npm serves a placeholder the test cannot drive. */
    private static void requireRealFleetPage(String base) throws Exception {
        HttpResponse<String> page = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(base + "/")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).as("GET / on the local all-in-one").isEqualTo(200);
        if (page.body().contains("made without Node.js")) {
            fail("the API serves the placeholder page: the ui module was built without npm; "
                    + "install Node.js 20.19+ with npm and rebuild (./mvnw install) so the fleet page is in the jar");
        }
    }

    private static String requireTool(List<String> command, String message) throws InterruptedException {
        try {
            Run run = run(new ProcessBuilder(command).redirectErrorStream(true), Duration.ofSeconds(30));
            if (run.exitCode() != 0) {
                fail(message + " (" + String.join(" ", command) + " exited " + run.exitCode() + ": " + run.output() + ")");
            }
            return run.output().strip();
        } catch (IOException e) {
            return fail(message + " (" + e.getMessage() + ")");
        }
    }

    private record Run(int exitCode, String output) {
    }

    /** Runs a process, echoing its output as it comes; kills it after the timeout. */
    private static Run run(ProcessBuilder builder, Duration timeout) throws IOException, InterruptedException {
        Process process = builder.start();
        StringBuilder output = new StringBuilder();
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    System.out.println(line);
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // the process is gone
            }
        }, "browser-test-output");
        pump.setDaemon(true);
        pump.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            pump.join(2_000);
            synchronized (output) {
                fail(String.join(" ", builder.command()) + " did not finish within " + timeout + "; its output:\n" + output);
            }
        }
        pump.join(5_000);
        synchronized (output) {
            return new Run(process.exitValue(), output.toString());
        }
    }
}
