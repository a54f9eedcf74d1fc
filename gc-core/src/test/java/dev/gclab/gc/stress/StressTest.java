package dev.gclab.gc.stress;

import dev.gclab.gc.stress.StressRun.Program;
import dev.gclab.gc.stress.StressRun.Result;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The stress tester of finalization, weak references and heap reuse: for every registered collector in
 * each of its variants, {@value #DEFAULT_SEEDS} seeded programs (spread evenly over mark bits in the side
 * table or in headers × LIST and TOPOLOGICAL finalizer order: each is a configuration) of about
 * {@value #DEFAULT_OPS} operations on small heaps (2–8 MiB), each checked by {@link StressRun}
 * against its plain-Java model after every collection. A failing seed is shrunk to a short program,
 * printed with the command that replays it:
 * <pre>
 * ./gclab test -pl gc-core -am -Dtest='StressTest#replay' -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dgclab.stress.config='rc/SIDE/LIST' -Dgclab.stress.seed=123
 * </pre>
 * Properties: {@code gclab.stress.seeds} (per configuration), {@code gclab.stress.ops},
 * {@code gclab.stress.first} (first seed number), {@code gclab.stress.configs} (comma-separated
 * configuration names to run), {@code gclab.stress.shrink} (replay: false prints the unshrunk program).
 */
class StressTest {
    static final int DEFAULT_SEEDS = 1000;
    static final int DEFAULT_OPS = 200;
    static final int SHRINK_BUDGET = 3000;
    static final int MAX_KINDS_SHRUNK = 4;

    static final int SEEDS = Integer.getInteger("gclab.stress.seeds", DEFAULT_SEEDS);
    static final int OPS = Integer.getInteger("gclab.stress.ops", DEFAULT_OPS);
    static final int FIRST = Integer.getInteger("gclab.stress.first", 0);

    /** Spreads program numbers over the seed space. */
    static long seedOf(int i) { return 0x9E3779B97F4A7C15L * (i + 1) ^ 0x5EED; }

    /** Generates and runs the program of {@code seed} on {@code config}. */
    static Result generateAndRun(StressConfig config, long seed, int ops) {
        SplittableRandom r = new SplittableRandom(seed);
        StressConfig.Tuning tuning = config.tuning(r.split());
        return new StressRun(config, tuning, seed).run(new StressGenerator(r.nextLong(), ops));
    }

    @TestFactory
    Stream<DynamicTest> seedsPerConfiguration() {
        String only = System.getProperty("gclab.stress.configs");
        List<List<StressConfig>> groups = StressConfig.groups().stream()
            .filter(g -> only == null || g.stream().anyMatch(c -> List.of(only.split(",")).contains(c.name()))).toList();
        assertTrue(!groups.isEmpty(), "no configuration selected");
        return groups.stream().map(g -> DynamicTest.dynamicTest(StressConfig.groupName(g) + ": " + SEEDS + " seeds", () -> runConfiguration(g)));
    }

    /** CPU time of this JVM so far (all threads), or -1 where the platform does not tell. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
            ? os.getProcessCpuTime() : -1;
    }

    /**
     * Runs {@link #SEEDS} programs on one collector variant; program i runs the group's configuration
     * i mod (its size): every mark-bit mode and finalizer order gets an equal share of the seeds.
     */
    private static void runConfiguration(List<StressConfig> group) {
        long t0 = System.nanoTime();
        long cpu0 = processCpuNanos();
        Result[] results = new Result[SEEDS];
        StressConfig[] configOf = new StressConfig[SEEDS];
        for (int i = 0; i < SEEDS; i++) configOf[i] = group.get((FIRST + i) % group.size());
        IntStream.range(0, SEEDS).parallel().forEach(i -> results[i] = generateAndRun(configOf[i], seedOf(FIRST + i), OPS));
        String name = StressConfig.groupName(group);
        long collections = 0, asked = 0, allocations = 0;
        long[] coverage = new long[StressRun.COVERAGE.length];
        List<Integer> failed = new ArrayList<>();
        for (int i = 0; i < SEEDS; i++) {
            collections += results[i].collections();
            asked += results[i].explicitCollections();
            allocations += results[i].allocations();
            for (int k = 0; k < coverage.length; k++) coverage[k] += results[i].coverage()[k];
            if (results[i].failed()) failed.add(i);
        }
        StringBuilder cov = new StringBuilder();
        for (int k = 0; k < coverage.length; k++) cov.append(", ").append(coverage[k]).append(' ').append(StressRun.COVERAGE[k]);
        System.out.printf("stress %s: %d seeds in %.1f s (%.1f s CPU), %d failed: %d collections (%d asked for by the programs), %d allocations%s%n",
            name, SEEDS, (System.nanoTime() - t0) / 1e9, (processCpuNanos() - cpu0) / 1e9, failed.size(), collections, asked, allocations, cov);
        if (failed.isEmpty()) {
            // The programs must still exercise what they are for (a generator change must not silently lose it).
            for (int k = 0; k < coverage.length; k++) {
                assertTrue(SEEDS < 100 || coverage[k] > 0, name + ": no " + StressRun.COVERAGE[k] + " in " + SEEDS + " programs" + cov);
            }
            return;
        }
        // One shrunk example per kind of violation (the first seed of each), so that one run shows every defect class.
        Map<String, List<Result>> byKind = new LinkedHashMap<>();
        Map<Result, StressConfig> where = new java.util.IdentityHashMap<>();
        for (int i : failed) {
            byKind.computeIfAbsent(results[i].violation().kind, k -> new ArrayList<>()).add(results[i]);
            where.put(results[i], configOf[i]);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(failed.size()).append(" of ").append(SEEDS).append(" seeds failed on ").append(name).append(":");
        byKind.forEach((kind, rs) -> sb.append("\n  ").append(rs.size()).append(" x [").append(kind).append("], e.g. seed ").append(rs.get(0).program().seed()));
        int shown = 0;
        for (List<Result> rs : byKind.values()) {
            if (shown++ == MAX_KINDS_SHRUNK) {
                sb.append("\n\n(").append(byKind.size() - MAX_KINDS_SHRUNK).append(" more kinds: replay their seeds to see them shrunk)");
                break;
            }
            sb.append("\n\n").append(report(where.get(rs.get(0)), rs.get(0), true));
        }
        System.out.println(sb);
        fail(sb.toString());
    }

    /** Seed, configuration, violation, the (shrunk) program, and how to replay it. */
    static String report(StressConfig config, Result failing, boolean shrink) {
        Program p = failing.program();
        StringBuilder sb = new StringBuilder();
        sb.append("seed ").append(p.seed()).append(", configuration ").append(config.name()).append(" (").append(p.tuning()).append(")\n");
        sb.append("violation [").append(failing.violation().kind).append("]: ").append(failing.violation().getMessage()).append('\n');
        if (failing.violation().getCause() != null) sb.append("  cause: ").append(stack(failing.violation().getCause())).append('\n');
        sb.append("replay: ./gclab test -pl gc-core -am -Dtest='StressTest#replay' -Dsurefire.failIfNoSpecifiedTests=false -Dgclab.stress.config='")
            .append(config.name()).append("' -Dgclab.stress.seed=").append(p.seed()).append(" -Dgclab.stress.ops=").append(OPS).append('\n');
        if (shrink) {
            StressShrinker.Shrunk s = StressShrinker.shrink(config, failing, SHRINK_BUDGET);
            Result r = s.result();
            sb.append("shrunk program (").append(r.program().ops().size()).append(" operations, ").append(StressOps.countDeep(r.program().ops()))
                .append(" with actions; from ").append(p.ops().size()).append(", ").append(s.replays()).append(" replays), which fails with:\n  [")
                .append(r.violation().kind).append("] ").append(r.violation().getMessage()).append('\n');
            sb.append(StressOps.format(r.program().ops()));
        } else {
            sb.append("program (").append(p.ops().size()).append(" operations):\n").append(StressOps.format(p.ops()));
        }
        return sb.toString();
    }

    private static String stack(Throwable e) {
        StringBuilder sb = new StringBuilder(e.toString().split("\n")[0]);
        StackTraceElement[] st = e.getStackTrace();
        for (int i = 0; i < Math.min(6, st.length); i++) sb.append("\n    at ").append(st[i]);
        return sb.toString();
    }

    /** Replays one seed on one configuration (see the class comment); skipped unless gclab.stress.seed is set. */
    @Test
    void replay() {
        String seed = System.getProperty("gclab.stress.seed");
        assumeTrue(seed != null, "set -Dgclab.stress.seed=N and -Dgclab.stress.config=NAME to replay a program");
        StressConfig config = StressConfig.byName(System.getProperty("gclab.stress.config", StressConfig.all().get(0).name()));
        Result r = generateAndRun(config, Long.parseLong(seed), OPS);
        if (!r.failed()) {
            System.out.printf("stress %s seed %s passed: %d operations, %d collections, %d allocations, %s%n", config.name(), seed,
                r.program().ops().size(), r.collections(), r.allocations(), java.util.Arrays.toString(r.coverage()) + " " + List.of(StressRun.COVERAGE));
            return;
        }
        String report = report(config, r, Boolean.parseBoolean(System.getProperty("gclab.stress.shrink", "true")));
        System.out.println(report);
        fail(report);
    }
}
