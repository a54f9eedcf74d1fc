package dev.gclab.reports.anchors;

import dev.gclab.reports.bench.BenchFormatException;
import dev.gclab.reports.bench.BenchJson;
import dev.gclab.reports.bench.BenchRow;
import dev.gclab.reports.bench.JmhResult;
import dev.gclab.reports.bench.JmhRunner;
import dev.gclab.reports.runner.Experiment;
import dev.gclab.reports.runner.ChildJvm;
import dev.gclab.reports.runner.RunResult;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code gclab anchors}: measures gclab against CPython (cyclic GC on identical graphs) and HotSpot
 * (GCBench) in one run, plus the machine's memory limits and the object layouts and side-table footprint
 * of the three runtimes ({@link LayoutSection}), and writes {@code docs/performance.md}. Every registered
 * collector is measured, each in child JVMs of its own; the targets ({@link Targets}) are judged as
 * ratios to the anchors of this same run.
 */
@Command(name = "anchors", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Measure gclab against CPython's gc.collect() and HotSpot's GCBench in one run; write docs/performance.md.")
public final class AnchorsCommand implements Callable<Integer> {
    static final List<String> SHAPES = List.of("cyc2", "cyc10", "ring", "random", "tree", "tree_td");

    @Spec CommandSpec spec;

    @Option(names = "--quick", description = "fewer repetitions, quick JMH settings and one gcbench run per side (the graphs stay at N = 1e6)")
    boolean quick;

    @Option(names = "--out", paramLabel = "FILE", description = "where to write the report (default: ${DEFAULT-VALUE})")
    Path out = defaultOut();

    @Option(names = "--python", paramLabel = "CMD", description = "the Python 3 command (default: ${DEFAULT-VALUE})")
    String python = "python3";

    @Option(names = "--anchors-dir", paramLabel = "DIR", description = "where cpython_graphs.py and GCBench.java are (default: ${DEFAULT-VALUE})")
    Path anchorsDir = root().resolve("anchors");

    @Option(names = "--java-home", paramLabel = "DIR", description = "the JDK for the HotSpot child JVMs (default: this JVM's)")
    Path javaHome = Path.of(System.getProperty("java.home"));

    @Option(names = "--skip", split = ",", paramLabel = "PART", description = "parts to leave out: targets, cpython, hotspot, machine, layouts")
    List<String> skip = new ArrayList<>();

    @Option(names = "--bench-json", paramLabel = "FILE",
        description = "take the targets' figures from a './gclab bench --json' file instead of running their benchmarks")
    Path benchJson;

    @Option(names = "--bench-jar", paramLabel = "JAR", hidden = true,
        description = "the JMH uber-jar (default: system property gclab.benchJar, set by ./gclab)")
    Path benchJar;

    private static Path root() {
        String r = System.getProperty("gclab.root");
        return r == null ? Path.of("") : Path.of(r);
    }

    private static Path defaultOut() { return root().resolve("docs").resolve("performance.md"); }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (benchJson != null && !Files.isReadable(benchJson)) return usage(err, "--bench-json " + benchJson + ": no such readable file");
        if (skip.contains("targets") && benchJson != null) return usage(err, "--bench-json with --skip targets: the file would not be read");
        int n = 1_000_000;
        int reps = quick ? 3 : 5;
        int youngIters = quick ? 100 : 300;
        List<String> collectors = new ArrayList<>();
        for (CollectorProvider p : CollectorRegistry.all()) collectors.add(p.name());
        try (dev.gclab.reports.text.Progress bar = dev.gclab.reports.text.Progress.start("anchors", err)) {
            long parts = 2L * collectors.size()
                + java.util.stream.Stream.of("targets", "machine", "cpython", "hotspot", "layouts").filter(x -> !skip.contains(x)).count();
            bar.phase("parts", parts, false);
            return measure(o, err, n, reps, youngIters, collectors, bar);
        }
    }

    /** The parts in order; each finished part is a step of {@code bar}. */
    private Integer measure(PrintWriter o, PrintWriter err, int n, int reps, int youngIters, List<String> collectors,
                            dev.gclab.reports.text.Progress bar) throws IOException, InterruptedException {

        // The targets' benchmarks first, on a machine nothing else of this run disturbs yet.
        TargetRows targetRows = skip.contains("targets") ? null : targetRows(o, err);

        MachineProbe.Limits limits = null;
        if (!skip.contains("machine")) {
            o.println("anchors: machine limits ...");
            o.flush();
            limits = MachineProbe.measure(quick);
            bar.step("machine limits");
        }

        PythonAnchor.Outcome py = PythonAnchor.Outcome.skip("left out (--skip cpython)");
        if (!skip.contains("cpython")) {
            o.println("anchors: CPython graphs (N = " + n + ") ...");
            o.flush();
            py = new PythonAnchor(python, anchorsDir.resolve("cpython_graphs.py")).run(n, reps, youngIters);
            if (!py.ran()) o.println("anchors: CPython skipped: " + py.skipped());
            bar.step("CPython graphs");
        }

        Map<String, AnchorJson.PyOutput> gclab = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (String c : collectors) {
            o.println("anchors: gclab " + c + " graphs in a child JVM (warm-up, then N = " + n + ") ...");
            o.flush();
            try {
                gclab.put(c, GclabGraphs.inChild(c, n, reps, youngIters, SHAPES, line -> { }));
            } catch (RuntimeException e) {
                failed.put(c, e.getMessage());
                o.println("anchors: gclab " + c + " failed: " + e.getMessage());
            }
            bar.step("gclab " + c + " graphs");
        }
        var graphs = new PerformanceReport.Graphs(n, reps, SHAPES, py.ran() ? py.output() : null, py.ran() ? null : py.skipped(), gclab, failed);

        int benchReps = quick ? 1 : 3;
        List<PerformanceReport.GcBenchRow> bench = new ArrayList<>();
        for (String c : collectors) {
            o.println("anchors: gclab gcbench on " + c + " (child JVMs) ...");
            o.flush();
            try {
                bench.add(gclabGcBench(c, benchReps));
            } catch (RuntimeException e) {
                o.println("anchors: gclab gcbench on " + c + " failed: " + e.getMessage());
            }
            bar.step("gclab gcbench on " + c);
        }
        String hotspotSkipped = null;
        if (skip.contains("hotspot")) {
            hotspotSkipped = "left out (--skip hotspot)";
        } else {
            o.println("anchors: HotSpot GCBench (Serial, Epsilon) ...");
            o.flush();
            try (HotSpotGcBench hs = HotSpotGcBench.compile(javaHome, anchorsDir.resolve("GCBench.java"))) {
                bench.add(jvmRow("HotSpot Serial", hs, HotSpotGcBench.SERIAL, 3, false));
                bench.add(jvmRow("HotSpot Epsilon", hs, HotSpotGcBench.EPSILON, 3, true));
            } catch (IOException | IllegalArgumentException e) {
                hotspotSkipped = e.getMessage();
                o.println("anchors: HotSpot skipped: " + hotspotSkipped);
            }
            bar.step("HotSpot GCBench");
        }

        LayoutSection layouts = null;
        if (!skip.contains("layouts")) {
            o.println("anchors: object layouts (JOL in child JVMs, CPython sizes) and side-table footprint ...");
            o.flush();
            layouts = LayoutSection.measure(javaHome, python, anchorsDir, o);
            bar.step("layouts");
        }

        Targets.Section targets = null;
        if (targetRows != null) {
            var anchors = new Targets.Anchors(py.ran() ? py.output() : null, limits == null ? Double.NaN : limits.chaseNs());
            targets = new Targets.Section(targetRows.rows() == null ? List.of() : Targets.evaluate(targetRows.rows(), anchors),
                targetRows.source(), targetRows.skipped(), verifiedGcBench(o));
            bar.step("targets");
        }

        String pyVersion = py.ran() ? "CPython " + py.output().version()
            : layouts != null && layouts.layouts().cpythonVersion() != null ? layouts.layouts().cpythonVersion() + " (section 4 only)" : "not measured";
        var machine = new PerformanceReport.Machine(cpuModel(), Runtime.getRuntime().availableProcessors(),
            Runtime.version().toString() + " (" + System.getProperty("java.vm.vendor", "?") + ")", pyVersion);
        var report = new PerformanceReport(LocalDate.now().toString(), "./gclab anchors" + (quick ? " --quick" : ""),
            machine, graphs, bench, hotspotSkipped, limits, layouts, targets);
        String md = report.markdown();
        if (out.getParent() != null) Files.createDirectories(out.getParent());
        Files.writeString(out, md);
        o.println(md);
        o.println("anchors: wrote " + out);
        return 0;
    }

    /** The targets' benchmark rows (null when skipped, with the reason), and where they come from. */
    record TargetRows(List<BenchRow> rows, String source, String skipped) {}

    /**
     * The targets' benchmarks, run now (quick or publishing settings) or read from {@code --bench-json}.
     * A JMH failure or a missing jar becomes the section's "skipped" reason, so the other anchors still run.
     */
    private TargetRows targetRows(PrintWriter o, PrintWriter err) throws IOException, InterruptedException {
        List<BenchRow> rows = null;
        String source, skipped = null;
        if (benchJson != null) {
            source = "figures read from `" + benchJson.getFileName() + "`";
            try {
                rows = BenchJson.readBaseline(benchJson);
            } catch (BenchFormatException e) {
                skipped = e.getMessage();
            }
        } else {
            Path jar = benchJar != null ? benchJar : System.getProperty("gclab.benchJar") != null ? Path.of(System.getProperty("gclab.benchJar")) : null;
            source = null;
            if (jar == null || !Files.isRegularFile(jar)) {
                skipped = (jar == null ? "no benchmarks jar given" : "no benchmarks jar at " + jar) + " (run through ./gclab, which builds it)";
            } else {
                o.println("anchors: the targets' benchmarks (JMH) ...");
                o.flush();
                try {
                    List<JmhRunner.Pass> passes = JmhRunner.passes(jar, Targets.benchmarkFilter(), quick);
                    JmhRunner.Run run = JmhRunner.run(jar, passes, false, "", line -> { o.println("  " + line); o.flush(); });
                    rows = new ArrayList<>();
                    for (JmhResult r : run.results()) rows.add(BenchRow.of(r));
                    source = (quick ? "`--quick` settings: " : "publishing settings: ") + run.settings();
                } catch (JmhRunner.FailedException e) {
                    skipped = e.getMessage() + ": " + String.join(" / ", e.tail().subList(Math.max(0, e.tail().size() - 3), e.tail().size()));
                }
            }
        }
        if (skipped != null) {
            err.println("anchors: targets skipped: " + skipped);
            err.flush();
        }
        return new TargetRows(rows, source, skipped);
    }

    /** The full-size gcbench on marksweep with --verify, in a child JVM. */
    private static Targets.VerifiedGcBench verifiedGcBench(PrintWriter o) {
        o.println("anchors: full-size gcbench on marksweep with --verify ...");
        o.flush();
        try {
            RunResult r = ChildJvm.run(Experiment.of("marksweep", "gcbench", 1).withVerify(true), line -> { });
            return new Targets.VerifiedGcBench(r.wallNs(), r.gcCycles(), r.pauses().p50Ns(), r.pauses().p99Ns(),
                r.pauses().maxNs(), r.verifyNs(), null);
        } catch (RuntimeException e) {
            return new Targets.VerifiedGcBench(0, 0, 0, 0, 0, 0, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static int usage(PrintWriter err, String message) {
        err.println("gclab: " + message);
        err.flush();
        return picocli.CommandLine.ExitCode.USAGE;
    }

    /** The median of {@code reps} full-size gcbench runs on {@code collector}, each in a child JVM of its own. */
    private static PerformanceReport.GcBenchRow gclabGcBench(String collector, int reps) {
        RunResult[] rs = new RunResult[reps];
        for (int i = 0; i < reps; i++) rs[i] = ChildJvm.run(Experiment.of(collector, "gcbench", 1), line -> { });
        Arrays.sort(rs, (a, b) -> Long.compare(a.wallNs(), b.wallNs()));
        RunResult m = rs[reps / 2];
        return new PerformanceReport.GcBenchRow("gclab " + collector, m.wallNs(), m.gcCycles(), m.gcNs(), false);
    }

    private static PerformanceReport.GcBenchRow jvmRow(String name, HotSpotGcBench hs, List<String> flags, int reps, boolean noGc)
            throws IOException {
        AnchorJson.JvmFigure[] fs = new AnchorJson.JvmFigure[reps];
        for (int i = 0; i < reps; i++) fs[i] = hs.run(flags);
        Arrays.sort(fs, (a, b) -> Long.compare(a.wallNs(), b.wallNs()));
        AnchorJson.JvmFigure m = fs[reps / 2];
        return new PerformanceReport.GcBenchRow(name, m.wallNs(), m.gcCount(), m.gcTimeMs() * 1e6, noGc);
    }

    /** The "model name" of /proc/cpuinfo, or the OS arch where there is none. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).strip();
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }
}
