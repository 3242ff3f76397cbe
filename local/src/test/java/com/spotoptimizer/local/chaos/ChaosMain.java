package com.spotoptimizer.local.chaos;

/**
 * The large chaos run, on demand (see docs/CHAOS.md): {@code operations=N seed=S}. Prints the figures and exits
 * with status 0 when every "must be 0" figure is 0, 2 otherwise.
 */
public final class ChaosMain {

    private ChaosMain() {
    }

    public static void main(String[] args) throws Exception {
        long seed = 1;
        int operations = 1500;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            switch (kv[0]) {
                case "seed" -> seed = Long.parseLong(kv[1]);
                case "operations" -> operations = Integer.parseInt(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + arg + " (seed=, operations=)");
            }
        }
        ChaosReport report = new ChaosRun(ChaosRun.Plan.large(seed, operations)).run();
        System.out.println(report.table());
        System.exit(report.clean() ? 0 : 2);
    }
}
