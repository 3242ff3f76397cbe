package com.spotoptimizer.api.lifecycle;

import com.spotoptimizer.db.instance.InstanceRow;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;

/** Row (db) → payload (workflows). */
final class Snapshots {

    private Snapshots() {
    }

    static InstanceSnapshot of(InstanceRow row) {
        return new InstanceSnapshot(
                row.instanceId().toString(),
                row.ec2InstanceId(),
                row.clientId(),
                row.agentId(),
                row.requestId(),
                row.requestFingerprint(),
                row.instanceType(),
                row.role(),
                row.status().value(),
                row.failureReason(),
                row.launchRequestedAt(),
                row.terminationRequestedAt(),
                row.version());
    }
}
