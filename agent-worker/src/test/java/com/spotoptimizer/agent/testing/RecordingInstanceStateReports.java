package com.spotoptimizer.agent.testing;

import com.spotoptimizer.agent.drift.InstanceStateReports;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** Records every ended-instance report and answers with the outcome a test sets (acknowledged by default). */
public final class RecordingInstanceStateReports implements InstanceStateReports {

    public final AtomicReference<Outcome> outcome = new AtomicReference<>(Outcome.ACKNOWLEDGED);
    private final List<InstanceStateReport> reports = new CopyOnWriteArrayList<>();

    @Override
    public Outcome report(InstanceStateReport report) {
        reports.add(report);
        return outcome.get();
    }

    /** Every report made, oldest first, retries included. */
    public List<InstanceStateReport> reports() {
        return reports;
    }
}
