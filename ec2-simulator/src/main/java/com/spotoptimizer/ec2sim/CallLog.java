package com.spotoptimizer.ec2sim;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Counts of every EC2 call by action, and the most recent calls in order. */
final class CallLog {

    static final int MAX_KEPT = 10_000;

    private final Map<String, Long> counts = new TreeMap<>();
    private final Deque<SimCall> recent = new ArrayDeque<>();

    synchronized void record(SimCall call) {
        counts.merge(call.action(), 1L, Long::sum);
        recent.addLast(call);
        if (recent.size() > MAX_KEPT) {
            recent.removeFirst(); // bounded so a long local run never grows without limit
        }
    }

    synchronized long count(String action) {
        return counts.getOrDefault(action, 0L);
    }

    synchronized Map<String, Long> counts() {
        return Map.copyOf(counts);
    }

    synchronized List<SimCall> calls() {
        return List.copyOf(recent);
    }

    synchronized void reset() {
        counts.clear();
        recent.clear();
    }
}
