package com.spotoptimizer.local.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The chaos run, small and seeded (about 100 operations): launches and terminations on two clients and two
 * agents in one simulated account with every kind of fault injected, an API restart and agent-worker restarts
 * included. The record must tell the simulator's truth at the end. The large run is {@link ChaosMain}.
 */
class ChaosEndToEndTest {

    @Test
    void recordMatchesGroundTruthAfterAHundredOperationsUnderFaults() throws Exception {
        ChaosReport report = new ChaosRun(ChaosRun.Plan.small(20261129L)).run();
        System.out.println(report.table());

        assertThat(report.findings()).as(report.table()).isEmpty();
        assertThat(report.clean()).isTrue();
        assertThat(report.launches()).isGreaterThan(20);
        assertThat(report.httpAgent().wrongRefused()).as("the adversarial confirmations were sent").isPositive();
        assertThat(report.faults()).containsKeys("api-restart");
    }
}
