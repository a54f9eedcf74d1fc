package dev.gclab.reports.anchors;

import dev.gclab.reports.runner.Experiment;
import dev.gclab.reports.runner.ExperimentRunner;
import dev.gclab.reports.runner.RunResult;
import dev.gclab.workloads.graph.Shape;
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
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code gclab anchors}: measures gclab against CPython (cyclic GC on identical graphs) and HotSpot
 * (GCBench) in one run, plus the machine's memory limits and the object layouts and side-table footprint
 * of the three runtimes ({@link LayoutSection}), and writes {@code docs/performance.md}.
 */
@Command(name = "anchors", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Measure gclab against CPython's gc.collect() and HotSpot's GCBench in one run; write docs/performance.md.")
public final class AnchorsCommand implements Callable<Integer> {
    static final List<String> SHAPES = List.of("cyc2", "cyc10", "ring", "random", "tree", "tree_td");

    @Spec CommandSpec spec;

    @Option(names = "--quick", description = "N = 1e5 and one gcbench run per side (a few minutes)")
    boolean quick;

    @Option(names = "--out", paramLabel = "FILE", description = "where to write the report (default: ${DEFAULT-VALUE})")
    Path out = defaultOut();

    @Option(names = "--python", paramLabel = "CMD", description = "the Python 3 command (default: ${DEFAULT-VALUE})")
    String python = "python3";

    @Option(names = "--anchors-dir", paramLabel = "DIR", description = "where cpython_graphs.py and GCBench.java are (default: ${DEFAULT-VALUE})")
    Path anchorsDir = root().resolve("anchors");

    @Option(names = "--java-home", paramLabel = "DIR", description = "the JDK for the HotSpot child JVMs (default: this JVM's)")
    Path javaHome = Path.of(System.getProperty("java.home"));

    @Option(names = "--skip", split = ",", paramLabel = "PART", description = "parts to leave out: cpython, hotspot, machine, layouts")
    List<String> skip = new ArrayList<>();

    private static Path root() {
        String r = System.getProperty("gclab.root");
        return r == null ? Path.of("") : Path.of(r);
    }

    private static Path defaultOut() { return root().resolve("docs").resolve("performance.md"); }

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        int n = quick ? 100_000 : 1_000_000;
        int reps = quick ? 3 : 5;

        MachineProbe.Limits limits = null;
        if (!skip.contains("machine")) {
            o.println("anchors: machine limits ...");
            o.flush();
            limits = MachineProbe.measure(quick);
        }

        PythonAnchor.Outcome py = PythonAnchor.Outcome.skip("left out (--skip cpython)");
        if (!skip.contains("cpython")) {
            o.println("anchors: CPython graphs (N = " + n + ") ...");
            o.flush();
            py = new PythonAnchor(python, anchorsDir.resolve("cpython_graphs.py")).run(n, reps);
            if (!py.ran()) o.println("anchors: CPython skipped: " + py.skipped());
        }

        o.println("anchors: gclab graphs (warm-up, then N = " + n + ") ...");
        o.flush();
        GclabGraphs.warmUp(Math.max(1000, n / 10), 2);
        List<PerformanceReport.GraphRow> rows = new ArrayList<>();
        for (String name : SHAPES) {
            Shape shape = Shape.parse(name);
            GclabGraphs.Timing rc = GclabGraphs.collect("rc", shape, n, reps);
            GclabGraphs.Timing ms = GclabGraphs.collect("marksweep", shape, n, reps);
            AnchorJson.PyFigure f = py.ran() ? py.output().find("collect", name) : null;
            rows.add(new PerformanceReport.GraphRow(name, rc.objects(), f == null ? null : f.nsPerObject(), rc.nsPerObject(), ms.nsPerObject()));
        }
        GclabGraphs.Timing drop = GclabGraphs.dropTree(n, reps);
        AnchorJson.PyFigure pyDrop = py.ran() ? py.output().find("drop_tree", "tree_td") : null;
        var graphs = new PerformanceReport.Graphs(n, reps, rows, drop.objects(), pyDrop == null ? null : pyDrop.nsPerObject(),
            drop.nsPerObject(), py.ran() ? null : py.skipped());

        o.println("anchors: gclab gcbench (marksweep, rc) ...");
        o.flush();
        int benchReps = quick ? 1 : 3;
        List<PerformanceReport.GcBenchRow> bench = new ArrayList<>();
        for (String c : List.of("marksweep", "rc")) bench.add(gclabGcBench(c, benchReps));
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
        }

        LayoutSection layouts = null;
        if (!skip.contains("layouts")) {
            o.println("anchors: object layouts (JOL in child JVMs, CPython sizes) and side-table footprint ...");
            o.flush();
            layouts = LayoutSection.measure(javaHome, python, anchorsDir, o);
        }

        String pyVersion = py.ran() ? "CPython " + py.output().version()
            : layouts != null && layouts.layouts().cpythonVersion() != null ? layouts.layouts().cpythonVersion() + " (section 4 only)" : "not measured";
        var machine = new PerformanceReport.Machine(cpuModel(), Runtime.getRuntime().availableProcessors(),
            Runtime.version().toString() + " (" + System.getProperty("java.vm.vendor", "?") + ")", pyVersion);
        var report = new PerformanceReport(LocalDate.now().toString(), "./gclab anchors" + (quick ? " --quick" : ""),
            machine, graphs, bench, hotspotSkipped, limits, layouts);
        String md = report.markdown();
        if (out.getParent() != null) Files.createDirectories(out.getParent());
        Files.writeString(out, md);
        o.println(md);
        o.println("anchors: wrote " + out);
        return 0;
    }

    private static PerformanceReport.GcBenchRow gclabGcBench(String collector, int reps) {
        ExperimentRunner runner = new ExperimentRunner();
        RunResult[] rs = new RunResult[reps];
        for (int i = 0; i < reps; i++) rs[i] = runner.run(Experiment.of(collector, "gcbench", 1));
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
