package dev.gclab.bench;

import dev.gclab.gc.plan.compact.CompactCollector;
import dev.gclab.gc.policy.CompactSpace;
import dev.gclab.gc.spi.CollectionOutcome;
import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.gc.spi.Constraints;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.gc.spi.ReachabilityHook;
import dev.gclab.gc.stats.GcStats;
import dev.gclab.gc.stats.Phase;
import dev.gclab.gc.stats.Timeline;
import dev.gclab.gc.util.LongIntHashMap;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.workloads.Workload;
import dev.gclab.workloads.WorkloadContext;
import dev.gclab.workloads.WorkloadRegistry;
import dev.gclab.workloads.capi.CApi;
import dev.gclab.workloads.graph.GraphShapes;
import dev.gclab.workloads.graph.Shape;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Generates {@code docs/moving.md} (with {@code moving.json} and the chart-ready {@code moving.csv}
 * beside it): the measured answers of issue 14 — what proxy handles cost per access and per call, what
 * pins cost copying and in-place compaction (memory, GC time, bytes moved), how fast {@code compact}
 * compacts beside {@code marksweep}'s full collection of the same graph, and how much of a heap that lost
 * 90 % of its objects at random one compaction gives back, with and without pins.
 *
 * <pre>
 *   ./gclab jmh -l &gt;/dev/null      # builds benchmarks/target/benchmarks.jar
 *   $JDK25/bin/java -Xss16m -cp benchmarks/target/benchmarks.jar dev.gclab.bench.MovingReport [--quick] [--out DIR] [--skip jmh,capi,pins,compaction,fragmentation]
 * </pre>
 *
 * Every figure is measured in this run (the JMH part in forked JVMs, the rest in this one, after a
 * warm-up); the machine's load average is recorded before and after, since a loaded machine slows
 * everything (the reference figures are re-measured on a quiet one).
 */
public final class MovingReport {
    /** 0: --smoke (tiny, for the test suite), 1: --quick, 2: full. */
    private final int level;
    private final boolean quick;
    private final Path out;
    private final Set<String> skip;
    private final StringBuilder md = new StringBuilder();
    private final Map<String, Object> json = new LinkedHashMap<>();
    private final StringBuilder csv = new StringBuilder();
    /** The JMH figures by "method/checks", once section 1 ran (null otherwise). */
    private Map<String, double[]> indirectionNs;

    private MovingReport(int level, Path out, Set<String> skip) {
        this.level = level;
        this.quick = level < 2;
        this.out = out;
        this.skip = skip;
    }

    public static void main(String[] args) throws Exception {
        int level = 2;
        Path out = Path.of("docs");
        Set<String> skip = new TreeSet<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> level = 1;
                case "--smoke" -> level = 0;
                case "--out" -> out = Path.of(args[++i]);
                case "--skip" -> skip.addAll(List.of(args[++i].split(",")));
                default -> {
                    System.err.println("usage: MovingReport [--quick | --smoke] [--out DIR] [--skip jmh,capi,pins,compaction,fragmentation]");
                    System.exit(2);
                }
            }
        }
        new MovingReport(level, out, skip).run();
    }

    /** The smoke, quick or full setting. */
    private <T> T pick(T smoke, T quickValue, T full) { return level == 0 ? smoke : level == 1 ? quickValue : full; }

    private static void log(String fmt, Object... args) {
        System.out.printf(Locale.ROOT, "[moving] " + fmt + "%n", args);
        System.out.flush();
    }

    private void run() throws Exception {
        String loadBefore = loadAverage();
        long t0 = System.nanoTime();
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpu", cpuModel());
        machine.put("available_processors", Runtime.getRuntime().availableProcessors());
        machine.put("jdk", Runtime.version().toString());
        machine.put("load_average_before", loadBefore);
        json.put("generated", Instant.now().toString());
        json.put("settings", pick("smoke", "quick", "full"));
        json.put("machine", machine);
        if (!skip.contains("jmh")) indirection();
        if (!skip.contains("capi")) capiHandlesVsRaw();
        if (!skip.contains("pins")) pins();
        if (!skip.contains("compaction")) compaction();
        if (!skip.contains("fragmentation")) fragmentation();
        String loadAfter = loadAverage();
        machine.put("load_average_after", loadAfter);
        machine.put("minutes", (System.nanoTime() - t0) / 60e9);
        String header = "# Moving objects behind a C API: handles, pins, compaction\n\n"
            + "Generated by `MovingReport` (never edit by hand): " + Instant.now() + ", " + pick("`--smoke` settings (not figures)", "`--quick` settings", "full settings") + ".\n"
            + "Machine: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " processors, JDK " + Runtime.version()
            + "; load average " + loadBefore + " before and " + loadAfter + " after (" + String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 60e9)
            + " minutes).\n"
            + (Double.parseDouble(loadBefore.split(" ")[0]) > 0.5 * Runtime.getRuntime().availableProcessors()
                ? "**The machine was shared and loaded while these figures were taken: times are inflated and noisy; re-measure on a quiet machine.**\n"
                : "")
            + "\nRegenerate:\n\n```bash\n./gclab jmh -l >/dev/null    # builds benchmarks/target/benchmarks.jar\n"
            + "$JDK25/bin/java -Xss16m -cp benchmarks/target/benchmarks.jar dev.gclab.bench.MovingReport" + pick(" --smoke", " --quick", "")
            + "    # writes docs/moving.md, moving.json, moving.csv\n```\n\n";
        Files.createDirectories(out);
        Files.writeString(out.resolve("moving.md"), header + md);
        Files.writeString(out.resolve("moving.json"), Json.write(json) + "\n");
        Files.writeString(out.resolve("moving.csv"), csv.toString());
        log("wrote %s, %s, %s", out.resolve("moving.md"), out.resolve("moving.json"), out.resolve("moving.csv"));
    }

    // ------------------------------------------------------------------ 1. indirection (JMH)

    private void indirection() throws RunnerException {
        log("JMH: HandleBench (marksweep) ...");
        OptionsBuilder o = new OptionsBuilder();
        o.include("dev\\.gclab\\.bench\\.HandleBench\\.(rawAddress|deref|rawRead|derefRead|createRelease|pinWindow|pinUnpin)$")
            .param("collector", "marksweep")
            .param("checks", "full", "fast")
            .forks(1)
            .warmupIterations(quick ? 2 : 5).warmupTime(TimeValue.milliseconds(quick ? 500 : 1000))
            .measurementIterations(quick ? 3 : 10).measurementTime(TimeValue.milliseconds(quick ? 500 : 1000))
            .shouldFailOnError(true);
        Collection<RunResult> results = new Runner(o.build()).run();
        Map<String, double[]> by = new LinkedHashMap<>();
        for (RunResult r : results) {
            String b = r.getParams().getBenchmark();
            String key = b.substring(b.lastIndexOf('.') + 1) + "/" + r.getParams().getParam("checks");
            by.put(key, new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
        }
        indirectionNs = by;
        md.append("## 1. The price of indirection\n\n");
        md.append("JMH (`HandleBench`, collector `marksweep`: the handle table does the same work under every collector; ns per operation, "
            + "± the 99.9 % error), 1,024 objects each with a long-lived handle, walked in turn; with the heap's access checks "
            + "`full` (the default: `newHandle` and a pin by address validate their object through the page table) and `fast`.\n\n");
        md.append("| operation | checks full | checks fast | target |\n|---|---:|---:|---|\n");
        String[][] rows = {
            {"rawAddress", "raw pointer load (the baseline)", ""},
            {"deref", "`deref(h)`: a handle's current address", "≤ 2 ns"},
            {"rawRead", "raw pointer load + read of a word of the object", ""},
            {"derefRead", "`deref(h)` + read of the same word", ""},
            {"createRelease", "borrowed handle: `newHandle` + `releaseHandle` (one per argument per call)", "≤ 10 ns"},
            {"pinWindow", "buffer window: `pinHandle` + `unpinHandle`", ""},
            {"pinUnpin", "pin + unpin by address", ""}};
        Map<String, Object> j = new LinkedHashMap<>();
        for (String[] row : rows) {
            double[] full = by.get(row[0] + "/full"), fast = by.get(row[0] + "/fast");
            if (full == null || fast == null) continue;
            String verdict = "";
            if (!row[2].isEmpty()) {
                double target = Double.parseDouble(row[2].replaceAll("[^0-9.]", ""));
                verdict = row[2] + ": " + (full[0] <= target ? "met" : "missed") + " (full), " + (fast[0] <= target ? "met" : "missed") + " (fast)";
            }
            md.append(String.format(Locale.ROOT, "| %s | %.2f ± %.2f | %.2f ± %.2f | %s |%n", row[1], full[0], full[1], fast[0], fast[1], verdict));
            j.put(row[0], Map.of("full_ns_per_op", full[0], "full_error", full[1], "fast_ns_per_op", fast[0], "fast_error", fast[1]));
        }
        if (by.containsKey("deref/full") && by.containsKey("rawAddress/full")) {
            md.append(String.format(Locale.ROOT, "%nA handle costs %.2f ns per access over a raw pointer (deref − raw load), "
                + "%.2f ns with the read of the object's data (derefRead − rawRead), checks full.%n%n",
                by.get("deref/full")[0] - by.get("rawAddress/full")[0], by.get("derefRead/full")[0] - by.get("rawRead/full")[0]));
        }
        json.put("indirection_jmh", j);
    }

    // ------------------------------------------------------------------ 2. capi: handles vs raw addresses

    private void capiHandlesVsRaw() {
        double size = pick(0.02, 0.5, 1.0);
        int reps = pick(1, 3, 5);
        log("capi handles vs raw (marksweep, size %s, %d runs each) ...", size, reps);
        runCapi("handles", size, 1);
        runCapi("raw", size, 1);
        long[][] mutator = new long[2][reps], gc = new long[2][reps];
        long calls = 0, handleOps = 0;
        for (int r = 0; r < reps; r++) {
            for (int mode = 0; mode < 2; mode++) {
                long[] res = runCapi(mode == 0 ? "handles" : "raw", size, 7);
                mutator[mode][r] = res[0];
                gc[mode][r] = res[1];
                calls = res[2];
                if (mode == 0) handleOps = res[3];
            }
        }
        double mh = median(mutator[0]) / calls, mr = median(mutator[1]) / calls;
        double[] hSpread = {Arrays.stream(mutator[0]).min().orElse(0) / (double) calls, Arrays.stream(mutator[0]).max().orElse(0) / (double) calls};
        double[] rSpread = {Arrays.stream(mutator[1]).min().orElse(0) / (double) calls, Arrays.stream(mutator[1]).max().orElse(0) / (double) calls};
        md.append("## 2. The same C-API program with handles and with raw addresses\n\n");
        md.append(String.format(Locale.ROOT, "`capi` (size %s: %,d calls, 2 borrowed handles per call, a cache of %,d owned handles, buffer windows "
                + "in 10 %% of the calls) under `marksweep`, which never moves objects, so raw addresses are valid: `-p access=handles` against "
                + "`-p access=raw` (the same allocations, plus one array that keeps the cache alive). Median of %d runs each, alternating.%n%n",
            size, calls, Math.round(1000 * size), reps));
        md.append("| access | mutator ns per call (median) | fastest .. slowest run | GC ms (median) |\n|---|---:|---:|---:|\n");
        md.append(String.format(Locale.ROOT, "| handles | %.1f | %.1f .. %.1f | %.1f |%n| raw | %.1f | %.1f .. %.1f | %.1f |%n", mh, hSpread[0], hSpread[1],
            median(gc[0]) / 1e6, mr, rSpread[0], rSpread[1], median(gc[1]) / 1e6));
        md.append(String.format(Locale.ROOT, "%nThe C API's price for being able to move objects, measured on the whole program: %.1f ns per call "
            + "(%+.1f %% of the raw program's mutator time), for %.1f handle operations per call (create, deref, release, pin windows); "
            + "compare it with the spread between runs of one mode.", mh - mr, 100 * (mh - mr) / mr, (double) handleOps / calls));
        if (indirectionNs != null && indirectionNs.containsKey("createRelease/full")) {
            // per call: 2 borrowed handles created and released, and about one deref per handle operation beyond those
            double perCall = 2 * indirectionNs.get("createRelease/full")[0]
                + Math.max(0, (double) handleOps / calls - 4) * (indirectionNs.get("deref/full")[0] - indirectionNs.get("rawAddress/full")[0]);
            md.append(String.format(Locale.ROOT, " From section 1's figures, the handle work of a call comes to about %.0f ns "
                + "(2 borrowed handles created and released, the other handle operations at deref's cost over a raw load): %.1f %% of a call.",
                perCall, 100 * perCall / mr));
        }
        md.append("\n\n");
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("size", size);
        j.put("calls", calls);
        j.put("mutator_ns_per_call_handles", mh);
        j.put("mutator_ns_per_call_raw", mr);
        j.put("mutator_ns_per_call_handles_min_max", List.of(hSpread[0], hSpread[1]));
        j.put("mutator_ns_per_call_raw_min_max", List.of(rSpread[0], rSpread[1]));
        j.put("handle_ops_per_call", (double) handleOps / calls);
        j.put("gc_ms_handles", median(gc[0]) / 1e6);
        j.put("gc_ms_raw", median(gc[1]) / 1e6);
        json.put("capi_handles_vs_raw", j);
    }

    /** {mutator ns, gc ns, calls, handle ops}. */
    private static long[] runCapi(String access, double size, long seed) {
        try (Heap heap = new Heap(HeapConfig.of(1L << 30))) {
            Collector c = CollectorRegistry.byName("marksweep").create(heap, CollectorOptions.defaults());
            Mutator m = new Mutator(heap, c);
            WorkloadContext ctx = new WorkloadContext(m, c, seed, size, Map.of("access", access), line -> {});
            long t0 = System.nanoTime();
            CApi.Outcome o = CApi.execute(ctx);
            long wall = System.nanoTime() - t0;
            long gc = c.stats().gcNanos();
            c.close();
            return new long[] {wall - gc, gc, o.calls(), heap.counters().handleOps};
        }
    }

    // ------------------------------------------------------------------ 3. pins: copying vs compact vs marksweep

    private void pins() {
        String[] collectors = {"marksweep", "copying", "compact"};
        String[] fractions = {"0", "0.001", "0.01", "0.1"};
        String[][] workloads = {{"capi", pick("0.02", "0.5", "1")}, {"gcbench", pick("0.015625", "0.25", "1")}};
        md.append("## 3. What pins cost: memory, GC time, bytes moved\n\n");
        md.append("Each workload with `pinned_fraction` of its long-lived objects pinned for the whole run (capi: through owned handles "
            + "with a window open; gcbench: nodes of the long-lived tree, by address), under each collector with its defaults "
            + "(compact: every collection compacts). After every collection: the pages of the heap's spans over the live bytes "
            + "(1.00 = no page holds a free slot; the mean over the run's collections and the last one), spans holding a pinned object "
            + "and, for compact, the spans kept beyond what the same compaction leaves with no pins (copying keeps every pinned span "
            + "whole, so there the two are the same). GC time is the sum of the pauses. One run per cell; chart-ready in `moving.csv`.\n\n");
        md.append("| workload | pinned | collector | GCs | span bytes ÷ live (mean / last) | pinned spans per GC | kept by pins per GC | GC ms | MiB moved |\n");
        md.append("|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
        csv.append("workload,size,pinned_fraction,collector,gc_cycles,span_over_live_mean,span_over_live_max,span_over_live_last,"
            + "pinned_spans_per_gc,kept_by_pins_per_gc,gc_ms,bytes_moved,peak_in_use_bytes\n");
        List<Object> rows = new ArrayList<>();
        // a warm-up of each collector on each workload, not reported
        for (String c : collectors) {
            probeRun(c, "capi", pick(0.01, 0.1, 0.2), "0.01");
            probeRun(c, "gcbench", pick(0.015625, 0.0625, 0.125), "0.01");
        }
        Map<String, Probe.Result> results = new LinkedHashMap<>();
        for (String[] w : workloads) {
            for (String f : fractions) {
                for (String c : collectors) {
                    log("pins: %s %s pinned_fraction=%s ...", w[0], c, f);
                    Probe.Result r = probeRun(c, w[0], Double.parseDouble(w[1]), f);
                    results.put(w[0] + "/" + f + "/" + c, r);
                    md.append(String.format(Locale.ROOT, "| %s | %s %% | %s | %d | %.3f / %.3f | %.1f | %.1f | %.1f | %.2f |%n", w[0],
                        pct(f), c, r.cycles(), r.meanRatio(), r.lastRatio(), r.pinnedSpansPerGc(), r.keptPerGc(), r.gcNanos() / 1e6,
                        r.bytesMoved() / 1048576.0));
                    csv.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%d,%.4f,%.4f,%.4f,%.2f,%.2f,%.2f,%d,%d%n", w[0], w[1], f, c, r.cycles(),
                        r.meanRatio(), r.maxRatio(), r.lastRatio(), r.pinnedSpansPerGc(), r.keptPerGc(), r.gcNanos() / 1e6, r.bytesMoved(), r.peak()));
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("workload", w[0]);
                    row.put("size", Double.parseDouble(w[1]));
                    row.put("pinned_fraction", Double.parseDouble(f));
                    row.put("collector", c);
                    row.put("gc_cycles", r.cycles());
                    row.put("span_over_live_mean", r.meanRatio());
                    row.put("span_over_live_max", r.maxRatio());
                    row.put("span_over_live_last", r.lastRatio());
                    row.put("pinned_spans_per_gc", r.pinnedSpansPerGc());
                    row.put("kept_by_pins_per_gc", r.keptPerGc());
                    row.put("gc_ms", r.gcNanos() / 1e6);
                    row.put("bytes_moved", r.bytesMoved());
                    row.put("peak_in_use_bytes", r.peak());
                    rows.add(row);
                }
            }
        }
        md.append("\n");
        for (String[] w : workloads) {
            md.append(String.format(Locale.ROOT, "%s, from no pins to 10 %% pinned: span bytes ÷ live (mean) %s; GC time %s; moved %s.%n%n", w[0],
                summary(results, w[0], collectors, r -> String.format(Locale.ROOT, "%.3f", r.meanRatio())),
                summary(results, w[0], collectors, r -> String.format(Locale.ROOT, "%.0f ms", r.gcNanos() / 1e6)),
                summary(results, w[0], new String[] {"copying", "compact"}, r -> String.format(Locale.ROOT, "%.1f MiB", r.bytesMoved() / 1048576.0))));
        }
        json.put("pins", rows);
    }

    /** "a → b under x, c → d under y": each collector's figure with no pins and with 10 %. */
    private static String summary(Map<String, Probe.Result> results, String workload, String[] collectors,
                                  java.util.function.Function<Probe.Result, String> figure) {
        List<String> parts = new ArrayList<>();
        for (String c : collectors) {
            Probe.Result none = results.get(workload + "/0/" + c), ten = results.get(workload + "/0.1/" + c);
            if (none != null && ten != null) parts.add(figure.apply(none) + " → " + figure.apply(ten) + " under " + c);
        }
        return String.join(", ", parts);
    }

    private static String pct(String fraction) {
        return new java.math.BigDecimal(fraction).movePointRight(2).stripTrailingZeros().toPlainString();
    }

    private static Probe.Result probeRun(String collector, String workload, double size, String fraction) {
        try (Heap heap = new Heap(HeapConfig.of(2L << 30))) {
            Collector c = CollectorRegistry.byName(collector).create(heap, CollectorOptions.defaults());
            Probe probe = new Probe(c);
            Mutator m = new Mutator(heap, probe);
            Workload w = WorkloadRegistry.byName(workload);
            w.run(new WorkloadContext(m, probe, 7, size, Map.of("pinned_fraction", fraction), line -> {}));
            c.close();
            return probe.result();
        }
    }

    /**
     * The collector, seen from the mutator and the workload, with a look at the heap after every
     * collection: the pages of the spans over the live bytes.
     */
    static final class Probe implements Collector {
        private final Collector c;
        private final Heap heap;
        private long seen, samples;
        private double sum, max, last;

        Probe(Collector c) {
            this.c = c;
            this.heap = c.heap();
        }

        record Result(long cycles, double meanRatio, double maxRatio, double lastRatio, double pinnedSpansPerGc, double keptPerGc,
                      long gcNanos, long bytesMoved, long peak) {}

        private void after() {
            long cycles = c.stats().cycles();
            if (cycles == seen) return;
            seen = cycles;
            long live = heap.inUseBytes();
            if (live == 0) return;
            double r = (double) heap.space(0).spanBytes() / live;
            samples++;
            sum += r;
            max = Math.max(max, r);
            last = r;
        }

        Result result() {
            Map<String, Long> k = c.collectorCounters();
            long cycles = Math.max(1, c.stats().cycles());
            long pinned = k.getOrDefault("spans_with_pins", k.getOrDefault("spans_kept_by_pins", 0L));
            long kept = k.getOrDefault("spans_kept_by_pins", 0L);
            return new Result(c.stats().cycles(), samples == 0 ? 0 : sum / samples, max, last, (double) pinned / cycles, (double) kept / cycles,
                c.stats().gcNanos(), heap.counters().bytesCopied, heap.peakInUseBytes());
        }

        @Override public void pollCollection(long requestBytes) { c.pollCollection(requestBytes); after(); }
        @Override public void collectForAllocation(long requestBytes) { c.collectForAllocation(requestBytes); after(); }
        @Override public void postAlloc(long obj) { c.postAlloc(obj); }
        @Override public void writeBarrier(long obj, long slot, long oldValue, long newValue) { c.writeBarrier(obj, slot, oldValue, newValue); }
        @Override public void rootBarrier(long oldValue, long newValue) { c.rootBarrier(oldValue, newValue); }
        @Override public void rootReturned(long obj) { c.rootReturned(obj); }
        @Override public void handleAcquired(long obj) { c.handleAcquired(obj); }
        @Override public void handleReleased(long obj) { c.handleReleased(obj); }
        @Override public String name() { return c.name(); }
        @Override public Heap heap() { return heap; }
        @Override public Constraints constraints() { return c.constraints(); }
        @Override public GcStats stats() { return c.stats(); }
        @Override public void collect(GcCause cause) { c.collect(cause); after(); }
        @Override public void collectYoung(GcCause cause) { c.collectYoung(cause); after(); }
        @Override public boolean incrementalStep(long budget) { boolean done = c.incrementalStep(budget); after(); return done; }
        @Override public Map<String, Long> collectorCounters() { return c.collectorCounters(); }
        @Override public CollectionOutcome lastCollection() { return c.lastCollection(); }
        @Override public dev.gclab.gc.finalize.Finalization finalization() { return c.finalization(); }
        @Override public void clearGarbage() { c.clearGarbage(); }
        @Override public void addReachabilityHook(ReachabilityHook hook) { c.addReachabilityHook(hook); }
        @Override public void close() { c.close(); }
    }

    // ------------------------------------------------------------------ 4. compaction speed

    private void compaction() {
        int n = pick(20_000, 200_000, 1_000_000);
        int reps = pick(1, 3, 5);
        md.append("## 4. How fast compact compacts\n\n");
        md.append(String.format(Locale.ROOT, "The portable graphs at N = %,d (seed 12345), made fragmented before the collection: `random` loses half "
            + "its nodes at random (their root slots and every edge into them cleared), `tree_td` half of its depth-3 subtrees below level "
            + "depth − 4 (a child cut with probability 1/2). Then one full collection, timed: `marksweep` (mark, sweep) and `compact` "
            + "(mark, sweep, compact: move, update every reference, release), each on a fresh copy of the same graph in this JVM, "
            + "after a warm-up; median of %d. ns per live object: a collection's time over the objects that survive it. The "
            + "compaction phase (plan and move, update every root, slot, handle and weak reference, release the emptied spans) is "
            + "compared with marksweep's whole collection of the same graph (the target), and also given per moved object and per "
            + "moved byte; a whole compact collection is that phase plus marksweep's work.%n%n", n, reps));
        md.append("| graph | live objects | marksweep collection ns/live | compact collection ns/live | compaction phase ns/live | "
            + "compaction ÷ marksweep collection (target ≤ 2) | whole compact ÷ marksweep collection | compaction ns/moved object | "
            + "ns/moved byte | moved objects | spans released |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        List<Object> rows = new ArrayList<>();
        for (String shape : new String[] {"random", "tree_td"}) {
            log("compaction: %s N=%d (warm-up) ...", shape, n);
            for (int w = 0; w < pick(1, 5, 5); w++) {
                fragmentedCollection("marksweep", shape, n / 4, 100 + w);
                fragmentedCollection("compact", shape, n / 4, 100 + w);
            }
            double[] ms = new double[reps], cs = new double[reps], phase = new double[reps];
            long live = 0, moved = 0, movedBytes = 0, released = 0;
            for (int r = 0; r < reps; r++) {
                log("compaction: %s N=%d run %d ...", shape, n, r + 1);
                long[] a = fragmentedCollection("marksweep", shape, n, r);
                long[] b = fragmentedCollection("compact", shape, n, r);
                ms[r] = a[0];
                cs[r] = b[0];
                phase[r] = b[2];
                live = b[1];
                moved = b[3];
                movedBytes = b[4];
                released = b[5];
                if (a[1] != b[1]) throw new IllegalStateException("the two graphs differ: " + a[1] + " and " + b[1] + " live objects");
            }
            double msPer = median(ms) / live, csPer = median(cs) / live, phasePerLive = median(phase) / live;
            double phasePerObj = moved == 0 ? 0 : median(phase) / moved, phasePerByte = movedBytes == 0 ? 0 : median(phase) / movedBytes;
            md.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.1f | %.1f | %.2f%s | %.2f | %.1f | %.2f | %,d | %,d |%n", shape, live, msPer, csPer,
                phasePerLive, phasePerLive / msPer, phasePerLive / msPer <= 2 ? " (met)" : " (missed)", csPer / msPer, phasePerObj, phasePerByte, moved, released));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("shape", shape);
            row.put("n", n);
            row.put("live_objects", live);
            row.put("marksweep_ns_per_live", msPer);
            row.put("compact_ns_per_live", csPer);
            row.put("compaction_phase_ns_per_live", phasePerLive);
            row.put("compaction_over_marksweep", phasePerLive / msPer);
            row.put("whole_compact_over_marksweep", csPer / msPer);
            row.put("compaction_phase_ns_per_moved_object", phasePerObj);
            row.put("compaction_phase_ns_per_moved_byte", phasePerByte);
            row.put("objects_moved", moved);
            row.put("bytes_moved", movedBytes);
            row.put("spans_released", released);
            rows.add(row);
        }
        md.append("\n");
        json.put("compaction", rows);
    }

    /** {collection ns, live objects after, compaction phase ns, objects moved, bytes moved, spans released}. */
    private static long[] fragmentedCollection(String collector, String shape, int n, long seed) {
        try (Heap heap = new Heap(HeapConfig.of(2L << 30))) {
            Collector c = CollectorRegistry.byName(collector).create(heap, new CollectorOptions(2.0, SimHeap.NEVER, false, Map.of()));
            Mutator m = new Mutator(heap, c);
            GraphShapes.build(m, Shape.parse(shape), n);
            fragment(m, shape, new SplittableRandom(seed));
            long t0 = System.nanoTime();
            c.collect(GcCause.EXPLICIT);
            long t = System.nanoTime() - t0;
            long phase = 0;
            Timeline tl = c.stats().timeline();
            for (int i = 0; i < tl.phaseCount(); i++) if (tl.phase(i) == Phase.COMPACT) phase += tl.phaseDuration(i);
            Map<String, Long> k = c.collectorCounters();
            long[] r = {t, heap.objectCount(), phase, k.getOrDefault("objects_moved", 0L), k.getOrDefault("bytes_moved", 0L),
                k.getOrDefault("spans_released", 0L)};
            c.close();
            return r;
        }
    }

    /** Makes about half of a built graph garbage, spread over its spans. */
    private static void fragment(Mutator m, String shape, SplittableRandom rnd) {
        long root = m.getGlobal(m.global(GraphShapes.ROOT_GLOBAL));
        if (shape.equals("random")) {
            int n = m.length(root);
            LongIntHashMap dropped = new LongIntHashMap(n);
            boolean[] drop = new boolean[n];
            for (int i = 0; i < n; i++) {
                if (rnd.nextBoolean()) {
                    drop[i] = true;
                    dropped.put(m.getRef(root, i), 1);
                }
            }
            for (int i = 0; i < n; i++) {
                long node = m.getRef(root, i);
                if (drop[i]) continue;
                for (int j = 0, s = m.refSlots(node); j < s; j++) if (dropped.get(m.getRef(node, j)) >= 0) m.setRef(node, j, 0);
            }
            for (int i = 0; i < n; i++) if (drop[i]) m.setRef(root, i, 0);
            return;
        }
        // tree_td: below level depth - 4, cut each child with probability 1/2 (subtrees of 15 nodes)
        int depth = 0;
        for (long x = root; m.getRef(x, 0) != 0; x = m.getRef(x, 0)) depth++;
        int level = Math.max(1, depth - 4);
        long[] stack = new long[64];
        int[] levels = new int[64];
        int sp = 0;
        stack[sp] = root;
        levels[sp++] = 0;
        while (sp > 0) {
            long node = stack[--sp];
            int l = levels[sp];
            if (l == level) {
                for (int j = 0; j < 2; j++) if (rnd.nextBoolean()) m.setRef(node, j, 0);
                continue;
            }
            for (int j = 0; j < 2; j++) {
                long child = m.getRef(node, j);
                if (child == 0) continue;
                stack[sp] = child;
                levels[sp++] = l + 1;
            }
        }
    }

    // ------------------------------------------------------------------ 5. fragmentation: 90 % freed at random

    private void fragmentation() {
        int n = pick(20_000, 200_000, 1_000_000);
        md.append("## 5. Fragmentation after 90 % of the objects die, before and after one compaction\n\n");
        md.append(String.format(Locale.ROOT, "%,d objects of four layouts (16, 32, 48 and 64 bytes, chosen at random) held by one `ref[]`; then 90 %% of "
            + "the slots are cleared at random and `compact` collects once (the sweep frees the dead, then one compaction). "
            + "With pins, 1 %% of all the objects were pinned at random before (so about 1 %% of the survivors are). "
            + "Span bytes ÷ live bytes: the pages the heap holds over the slots of its live objects; \"small objects\" leaves out "
            + "the root array (%,d bytes, a span of its own).%n%n", n, 8L * n + 8));
        md.append("| pins | fragmentation before | after | span bytes ÷ live, all (target ≤ 1.2 with no pins) | small objects only | spans released | spans with pins | kept by pins |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        List<Object> rows = new ArrayList<>();
        List<CompactSpace.ClassReport> pinnedClasses = null;
        for (double pinned : new double[] {0, 0.01}) {
            log("fragmentation: N=%d, pins %s ...", n, pinned);
            try (Heap heap = new Heap(HeapConfig.of(2L << 30))) {
                CompactCollector c = (CompactCollector) CollectorRegistry.byName("compact").create(heap,
                    new CollectorOptions(2.0, SimHeap.NEVER, false, Map.of("compact_every", "1")));
                Mutator m = new Mutator(heap, c);
                int[] layouts = {m.layouts().fixed("f16", "d"), m.layouts().fixed("f32", "rdd"), m.layouts().fixed("f48", "rdddd"),
                    m.layouts().fixed("f64", "rdddddd")};
                int root = m.global("objects");
                m.setGlobal(root, m.allocateArray(LayoutRegistry.REF_ARRAY, n));
                SplittableRandom rnd = new SplittableRandom(42);
                for (int i = 0; i < n; i++) {
                    long o = m.allocate(layouts[rnd.nextInt(4)]);
                    m.setRef(m.getGlobal(root), i, o);
                }
                long arr = m.getGlobal(root);
                for (int i = 0; i < n; i++) if (pinned > 0 && rnd.nextDouble() < pinned) m.pin(m.getRef(arr, i));
                for (int i = 0; i < n; i++) if (rnd.nextInt(10) != 0) m.setRef(arr, i, 0);
                c.collect(GcCause.EXPLICIT);
                Map<String, Long> k = c.collectorCounters();
                long live = heap.inUseBytes(), spans = heap.space(0).spanBytes();
                long smallLive = 0, smallSpans = 0;
                for (CompactSpace.ClassReport r : c.compactSpace().lastClasses()) {
                    smallLive += r.liveObjects() * r.slotBytes();
                    smallSpans += (long) r.spansAfter() * r.slotsPerSpan() * r.slotBytes();
                }
                double all = (double) spans / live, small = (double) smallSpans / smallLive;
                md.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f%s | %.3f | %,d | %,d | %,d |%n", pinned == 0 ? "none" : "1 %",
                    k.get("fragmentation_before_ppm") / 1e6, k.get("fragmentation_after_ppm") / 1e6, all,
                    pinned == 0 ? (all <= 1.2 ? " (met)" : " (missed)") : "", small, k.get("spans_released"), k.get("spans_with_pins"),
                    k.get("spans_kept_by_pins")));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("n", n);
                row.put("pinned_fraction", pinned);
                row.put("fragmentation_before", k.get("fragmentation_before_ppm") / 1e6);
                row.put("fragmentation_after", k.get("fragmentation_after_ppm") / 1e6);
                row.put("span_over_live_all", all);
                row.put("span_over_live_small", small);
                row.put("spans_released", k.get("spans_released"));
                row.put("spans_with_pins", k.get("spans_with_pins"));
                row.put("spans_kept_by_pins", k.get("spans_kept_by_pins"));
                List<Object> classes = new ArrayList<>();
                for (CompactSpace.ClassReport r : c.compactSpace().lastClasses()) {
                    Map<String, Object> cr = new LinkedHashMap<>();
                    cr.put("slot_bytes", r.slotBytes());
                    cr.put("no_scan", r.noScan());
                    cr.put("slots_per_span", r.slotsPerSpan());
                    cr.put("spans_before", r.spansBefore());
                    cr.put("pinned_spans", r.pinnedSpans());
                    cr.put("live_objects", r.liveObjects());
                    cr.put("min_spans", r.minSpans());
                    cr.put("spans_after", r.spansAfter());
                    classes.add(cr);
                }
                row.put("classes", classes);
                rows.add(row);
                if (pinned > 0) pinnedClasses = c.compactSpace().lastClasses();
                c.close();
            }
        }
        if (pinnedClasses != null) {
            md.append("\nWith 1 % pins, span by span (per size class): a span holding a pinned object is never emptied, so a class keeps "
                + "max(spans with a pin, ⌈live ÷ slots per span⌉) spans, and every span beyond ⌈live ÷ slots per span⌉ is the pins' excess.\n\n");
            md.append("| slot bytes | slots per span | spans before | live objects | spans needed without pins | spans with a pin | spans after | kept by pins | excess bytes |\n");
            md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            long excess = 0;
            for (CompactSpace.ClassReport r : pinnedClasses) {
                long bytes = (long) r.keptByPins() * r.slotsPerSpan() * r.slotBytes();
                excess += bytes;
                md.append(String.format(Locale.ROOT, "| %d%s | %d | %,d | %,d | %,d | %,d | %,d | %,d | %,d |%n", r.slotBytes(), r.noScan() ? " (no refs)" : "",
                    r.slotsPerSpan(), r.spansBefore(), r.liveObjects(), r.minSpans(), r.pinnedSpans(), r.spansAfter(), r.keptByPins(), bytes));
            }
            md.append(String.format(Locale.ROOT, "%nThe pins' excess: %,d bytes of spans the compaction could not give back.%n%n", excess));
        }
        json.put("fragmentation", rows);
    }

    // ------------------------------------------------------------------ helpers

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException | RuntimeException ignored) {
            // below
        }
        return System.getProperty("os.arch");
    }

    /** A minimal JSON writer for maps, lists, strings, numbers and booleans. */
    static final class Json {
        static String write(Object v) {
            StringBuilder sb = new StringBuilder();
            write(sb, v, 0);
            return sb.toString();
        }

        private static void write(StringBuilder sb, Object v, int indent) {
            switch (v) {
                case null -> sb.append("null");
                case Map<?, ?> map -> {
                    sb.append("{");
                    int i = 0;
                    for (Map.Entry<?, ?> e : map.entrySet()) {
                        sb.append(i++ == 0 ? "\n" : ",\n").append("  ".repeat(indent + 1));
                        string(sb, String.valueOf(e.getKey()));
                        sb.append(": ");
                        write(sb, e.getValue(), indent + 1);
                    }
                    sb.append(map.isEmpty() ? "}" : "\n" + "  ".repeat(indent) + "}");
                }
                case List<?> list -> {
                    sb.append("[");
                    for (int i = 0; i < list.size(); i++) {
                        sb.append(i == 0 ? "\n" : ",\n").append("  ".repeat(indent + 1));
                        write(sb, list.get(i), indent + 1);
                    }
                    sb.append(list.isEmpty() ? "]" : "\n" + "  ".repeat(indent) + "]");
                }
                case String s -> string(sb, s);
                case Double d -> sb.append(Double.isFinite(d) ? Double.toString(d) : "null");
                case Number num -> sb.append(num);
                case Boolean b -> sb.append(b);
                default -> string(sb, v.toString());
            }
        }

        private static void string(StringBuilder sb, String s) {
            sb.append('"');
            for (char ch : s.toCharArray()) {
                switch (ch) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    default -> {
                        if (ch < 0x20) sb.append(String.format("\\u%04x", (int) ch));
                        else sb.append(ch);
                    }
                }
            }
            sb.append('"');
        }
    }
}
