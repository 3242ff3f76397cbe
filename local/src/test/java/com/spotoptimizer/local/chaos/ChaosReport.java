package com.spotoptimizer.local.chaos;

import java.util.List;
import java.util.Map;

/**
 * What a chaos run found, against the simulator's ground truth. Every "must be 0" figure is a broken promise
 * when it is not; {@code findings} says which instance broke it.
 */
record ChaosReport(
        long seed,
        int operations,
        Map<String, Integer> faults,
        int launches,
        int terminations,
        int rows,
        int running,
        long leaked,
        long doubled,
        long stuck,
        long lying,
        long streamMismatches,
        ChaosHttpAgent.Tally httpAgent,
        long seconds,
        List<String> findings) {

    boolean clean() {
        return leaked == 0 && doubled == 0 && stuck == 0 && lying == 0 && streamMismatches == 0
                && httpAgent.wrongAccepted() == 0;
    }

    String table() {
        return String.join("\n",
                "chaos run seed=" + seed + " operations=" + operations + " took " + seconds + " s",
                "faults injected: " + faults,
                "launches " + launches + ", terminations " + terminations + ", rows " + rows + ", running at the end "
                        + running,
                "| figure | value | must be |",
                "| --- | ---: | ---: |",
                "| instances leaked (active in EC2, not running in the record) | " + leaked + " | 0 |",
                "| launches with more than one EC2 instance | " + doubled + " | 0 |",
                "| rows in flight past their deadline + grace | " + stuck + " | 0 |",
                "| rows running whose instance EC2 does not run | " + lying + " | 0 |",
                "| rows the stream replayed from 0 shows otherwise | " + streamMismatches + " | 0 |",
                "| wrong agent confirmations accepted | " + httpAgent.wrongAccepted() + " | 0 |",
                "| wrong agent confirmations refused (409) | " + httpAgent.wrongRefused() + " | |",
                "| right confirmations refused (launch had closed) | " + httpAgent.rightRefused() + " | |",
                "| ground-truth reports sent by the HTTP agent | " + httpAgent.driftReports() + " | |",
                findings.isEmpty() ? "no findings" : "findings:\n  " + String.join("\n  ", findings));
    }
}
