package com.spotoptimizer.ec2sim;

import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * One simulator and SDK clients per test class (building SDK clients is the slow part), on a stepped
 * clock, reset before each test.
 */
abstract class SimulatorTestBase {

    static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    static SimClock clock;
    static Ec2Simulator sim;
    static Ec2Client ec2;
    static Ec2Client ec2NoRetry;

    @BeforeAll
    static void startSimulator() {
        clock = SimClock.startingAt(START);
        sim = Ec2Simulator.start(Ec2SimulatorConfig.defaults().withClock(clock));
        ec2 = Ec2Clients.retrying(sim);
        ec2NoRetry = Ec2Clients.noRetry(sim);
    }

    @AfterAll
    static void stopSimulator() {
        ec2.close();
        ec2NoRetry.close();
        sim.close();
    }

    @BeforeEach
    void resetSimulator() {
        sim.reset();
        clock.set(START);
    }

    /** Past the consistency window, so DescribeInstances sees everything launched so far. */
    static void passConsistencyWindow() {
        clock.advance(sim.faults().timing().consistencyWindow());
    }
}
