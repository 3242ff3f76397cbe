package com.spotoptimizer.agent.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueueStatusTest {

    @Test
    void reasonIsCoarseSoItChangesOnlyAFewTimesPerLaunch() {
        assertThat(new QueueStatus(Ec2Action.RUN_INSTANCES, 25, 1_240, false).reason())
                .isEqualTo("waiting for RunInstances capacity budget; 1,000+ ahead at priority ≥ 25");
        assertThat(new QueueStatus(Ec2Action.RUN_INSTANCES, 25, 1_999, false).reason())
                .isEqualTo(new QueueStatus(Ec2Action.RUN_INSTANCES, 25, 1_000, false).reason());
        assertThat(new QueueStatus(Ec2Action.RUN_INSTANCES, 25, 150, false).reason()).contains("100+ ahead");
        assertThat(new QueueStatus(Ec2Action.RUN_INSTANCES, 25, 12, false).reason()).contains("10+ ahead");
        assertThat(new QueueStatus(Ec2Action.RUN_INSTANCES, 25, 3, false).reason()).contains("fewer than 10 ahead");
        assertThat(new QueueStatus(Ec2Action.RUN_INSTANCES, 100, 0, false).reason()).contains("next in line at priority ≥ 100");
        assertThat(new QueueStatus(Ec2Action.TERMINATE_INSTANCES, 100, 0, true).reason())
                .startsWith("EC2 answered RequestLimitExceeded");
    }
}
