package dev.gclab.reports.cli;

import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.OutOfHeapException;
import dev.gclab.reports.GclabVersion;
import dev.gclab.reports.export.TidyCsv;
import dev.gclab.reports.json.SweepJson;
import dev.gclab.reports.runner.ChildJvm;
import dev.gclab.reports.runner.Experiment;
import dev.gclab.reports.runner.ExperimentRunner;
import dev.gclab.reports.runner.RunResult;
import dev.gclab.reports.runner.WorkloadArgumentException;
import dev.gclab.reports.sweep.Sweep;
import dev.gclab.reports.text.Progress;
import dev.gclab.reports.text.SweepTable;
import dev.gclab.reports.text.Units;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code gclab sweep}: the time–space trade-off, measured as GC papers do (Blackburn, Cheng and McKinley,
 * "Myths and realities", SIGMETRICS 2004): first each collector's minimum heap for the workload and seed,
 * then every collector at multiples of the largest minimum, several fresh runs per point.
 *
 * <p>Minimum heap: the smallest {@code --heap} at which the run completes, found by bisection between
 * 1 MiB (the smallest heap) and {@code --heap} (default 256m, the search's upper end), geometric (the
 * midpoint of lo and hi is sqrt(lo × hi), in whole 8 KiB pages) since heaps span orders of magnitude. It
 * stops when the smallest heap that completed is at most {@value #PRECISION} × 100 % above the largest
 * that failed, or one page above it: the minimum is exact to 2 %. Completion is deterministic for a seed
 * (the work counters are), so one run per probe suffices. A collector that fails even at the upper end has
 * no minimum; it still runs at every factor, and fails where the heap is too small.
 *
 * <p>Then for each factor (default 1.25, 1.5, 2, 3, 4, 6) × the largest minimum, each collector runs
 * {@code --invocations} times (default 3), each run in a fresh JVM ({@code --jvm child}, the default; the
 * JIT starts cold every time, as Georges et al. ask) or all in this one ({@code --jvm same}: fast, for
 * tests). Every run is recorded; a run that fails records why ({@code out_of_heap} or {@code error}) and the
 * sweep goes on. Workload progress lines are not shown; the progress bar is.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
    description = "Find each collector's minimum heap by bisection, then run every collector at multiples of the largest minimum.")
final class SweepCommand implements Callable<Integer> {
    /** The bisection's relative precision. */
    static final double PRECISION = 0.02;
    /** A heap is whole 8 KiB pages. */
    static final long PAGE = dev.gclab.heap.span.SizeClasses.PAGE_BYTES;
    static final List<Double> DEFAULT_FACTORS = List.of(1.25, 1.5, 2.0, 3.0, 4.0, 6.0);

    @Spec CommandSpec spec;

    @Option(names = {"-w", "--workload"}, required = true, paramLabel = "NAME", description = "workload (see 'gclab list')")
    String workload;

    @Option(names = {"-c", "--collectors"}, paramLabel = "NAME[:K=V...][,...]",
        description = "collectors, comma-separated (repeatable), entries as in compare (name:key=value); default: every registered one")
    List<String> collectors = new ArrayList<>();

    @Option(names = "--heap-factors", paramLabel = "F[,F...]", split = ",",
        description = "multiples of the largest minimum heap to run at, each a finite number > 0 (default: 1.25,1.5,2,3,4,6)")
    List<String> factors = new ArrayList<>();

    @Option(names = "--invocations", paramLabel = "N", defaultValue = "3",
        description = "fresh runs per collector and factor, 1 .. 1000 (default: ${DEFAULT-VALUE})")
    String invocations;

    @Option(names = "--jvm", paramLabel = "child|same", defaultValue = "child",
        description = "run each probe and run in a fresh JVM (child, the default) or all in this one (same)")
    String jvm;

    @Option(names = "--csv", paramLabel = "FILE", converter = Converters.OutputFile.class,
        description = "also write every run as tidy CSV: one row per (run, metric)")
    Path csv;

    @Mixin
    ExperimentOptions opts = new ExperimentOptions();

    private List<Double> factorValues;
    private int invocationCount;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<CollectorEntries.Entry> entries;
        try {
            entries = prepare();
        } catch (ParameterException e) {
            throw e;
        } catch (Exception e) {
            return Failures.report(e, err, opts.stackTrace);
        }
        long seed = entries.getFirst().experiment().seed();
        out.println("seed " + seed + opts.seedNote(seed));
        out.flush();
        String timestamp = Instant.now().toString();
        long searchMax = opts.heapBytes;
        List<Sweep.Collector> found = new ArrayList<>();
        List<Sweep.Point> points = new ArrayList<>();
        try (Progress progress = Progress.start("sweep", err)) {
            int perCollector = probesAtMost(HeapConfig.MIN_BYTES, searchMax);
            progress.phase("minimum heap", (long) perCollector * entries.size(), true);
            int done = 0;
            for (int i = 0; i < entries.size(); i++) {
                Sweep.Collector c = minimumHeap(entries.get(i), searchMax, progress);
                found.add(c);
                done += c.probes().size();
                progress.total(done + (long) perCollector * (entries.size() - i - 1), i < entries.size() - 1);
            }
            long base = found.stream().filter(c -> c.minHeapBytes() != null).mapToLong(Sweep.Collector::minHeapBytes).max().orElse(0);
            if (base == 0) {
                progress.close();
                err.println("gclab: no collector completed " + workload + " even at --heap " + Units.bytes(searchMax)
                    + " (the upper end of the minimum-heap search): give a larger --heap");
                for (Sweep.Collector c : found) err.println("gclab:   " + c.label() + ": " + c.probes().getFirst().failure().message());
                err.flush();
                return CommandLine.ExitCode.SOFTWARE;
            }
            progress.phase("runs", (long) factorValues.size() * entries.size() * invocationCount, false);
            for (double f : factorValues) {
                long heap = heapAt(f, base);
                for (CollectorEntries.Entry entry : entries) {
                    for (int inv = 1; inv <= invocationCount; inv++) {
                        Outcome o = heap < 0 ? Outcome.failed(new Sweep.Failure(Sweep.Failure.ERROR, "a heap of " + f + " × "
                            + Units.bytes(base) + " is outside gclab's 1 MiB .. 1 TiB")) : run(entry.experiment().withHeapBytes(heap));
                        points.add(new Sweep.Point(entry.label(), f, Math.max(heap, 0), inv, o.result() != null, o.failure(), o.result()));
                        progress.step(String.format(Locale.ROOT, "%s at %sx (%s) #%d %s", entry.label(), TidyCsvNumber.of(f),
                            heap < 0 ? "-" : Units.bytes(heap), inv, o.result() != null ? "completed" : "failed: " + o.failure().kind()));
                    }
                }
            }
        } catch (WorkloadArgumentException ex) {
            return Failures.report(ex, err, opts.stackTrace);
        }
        long base = found.stream().filter(c -> c.minHeapBytes() != null).mapToLong(Sweep.Collector::minHeapBytes).max().orElse(0);
        Sweep sweep = new Sweep(RunResult.SCHEMA_VERSION, Sweep.KIND, GclabVersion.get(), timestamp, Provenance.commandLine(spec), jvm,
            workload.trim(), opts.size, seed, entries.getFirst().experiment().params(), factorValues, invocationCount, PRECISION,
            searchMax, base, found, points);
        out.print(SweepTable.format(sweep));
        try {
            if (opts.json != null) {
                SweepJson.write(sweep, opts.json);
                out.println("sweep written to " + opts.json);
            }
            if (csv != null) {
                List<TidyCsv.Row> rows = new ArrayList<>();
                for (Sweep.Point p : points) {
                    Sweep.Collector c = found.stream().filter(x -> x.label().equals(p.label())).findFirst().orElseThrow();
                    rows.add(new TidyCsv.Row(p.label(), c.collector(), sweep.workload(), sweep.size(), seed, p.heapBytes(), p.heapFactor(),
                        p.invocation(), p.result()));
                }
                TidyCsv.write(rows, csv);
                out.println("CSV written to " + csv);
            }
        } catch (Exception ex) {
            out.flush();
            return Failures.report(ex, err, opts.stackTrace);
        }
        out.flush();
        return CommandLine.ExitCode.OK;
    }

    /** Shortest decimal form of a factor. */
    private static final class TidyCsvNumber {
        static String of(double d) { return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d); }
    }

    /** A run's result, or why it did not complete. */
    record Outcome(RunResult result, Sweep.Failure failure) {
        static Outcome failed(Sweep.Failure f) { return new Outcome(null, f); }
    }

    /** The heap at factor {@code f} of {@code base}: whole pages; -1 outside 1 MiB .. 1 TiB. */
    static long heapAt(double f, long base) {
        double b = Math.floor(f * base / PAGE) * PAGE;
        if (!(b >= HeapConfig.MIN_BYTES) || b > HeapConfig.MAX_BYTES) return -1;
        return (long) b;
    }

    /** How many probes a search between {@code lo} and {@code hi} takes at most: both ends, then the halvings. */
    static int probesAtMost(long lo, long hi) {
        if (hi <= lo) return 1;
        double ratio = Math.log((double) hi / lo) / Math.log1p(PRECISION);
        return 2 + (int) Math.ceil(Math.log(Math.max(ratio, 1)) / Math.log(2));
    }

    /** The bisection for one collector (see the class comment). */
    Sweep.Collector minimumHeap(CollectorEntries.Entry entry, long searchMax, Progress progress) {
        Experiment e = entry.experiment();
        List<Sweep.Probe> probes = new ArrayList<>();
        long hi = searchMax;
        Outcome top = probe(entry, hi, probes, progress);
        if (top.result() == null) return collector(entry, null, probes);
        long lo = HeapConfig.MIN_BYTES;
        if (lo >= hi || probe(entry, lo, probes, progress).result() != null) return collector(entry, Math.min(lo, hi), probes);
        while ((double) hi / lo > 1 + PRECISION && hi - lo > PAGE) {
            long mid = Math.floorDiv((long) Math.sqrt((double) lo * hi), PAGE) * PAGE;
            if (mid <= lo) mid = lo + PAGE;
            if (mid >= hi) break;
            if (probe(entry, mid, probes, progress).result() != null) hi = mid;
            else lo = mid;
        }
        return collector(entry, hi, probes);
    }

    private static Sweep.Collector collector(CollectorEntries.Entry entry, Long min, List<Sweep.Probe> probes) {
        Experiment e = entry.experiment();
        return new Sweep.Collector(entry.label(), e.collector(), e.collectorOptions(), min, probes);
    }

    private Outcome probe(CollectorEntries.Entry entry, long heap, List<Sweep.Probe> probes, Progress progress) {
        Outcome o = run(entry.experiment().withHeapBytes(heap));
        probes.add(new Sweep.Probe(heap, o.result() != null, o.failure()));
        progress.step(entry.label() + " at " + Units.bytes(heap) + (o.result() != null ? " completed" : " failed: " + o.failure().kind()));
        return o;
    }

    /** One run, in a child JVM or this one; a failure becomes its reason. */
    Outcome run(Experiment e) {
        try {
            RunResult r = jvm.equals("same") ? new ExperimentRunner().run(e) : ChildJvm.run(e, line -> {});
            return new Outcome(r, null);
        } catch (WorkloadArgumentException ex) {
            throw ex;
        } catch (OutOfHeapException ex) {
            return Outcome.failed(failure(ex.getMessage()));
        } catch (ChildJvm.ChildRunException ex) {
            return Outcome.failed(failure(ex.getMessage().lines().findFirst().orElse("the child JVM failed")));
        } catch (Throwable t) {
            Failures.rethrowIfFatal(t);
            return Outcome.failed(new Sweep.Failure(Sweep.Failure.ERROR, t.getClass().getSimpleName() + ": " + t.getMessage()));
        }
    }

    /** Out of heap (the heap too small), or any other failure (also the machine running out of memory). */
    static Sweep.Failure failure(String message) {
        boolean ooh = message.startsWith("out of heap") && !message.contains("the machine ran out of memory");
        return new Sweep.Failure(ooh ? Sweep.Failure.OUT_OF_HEAP : Sweep.Failure.ERROR, message);
    }

    /** Everything checked before the first run, as compare does; also the factors and the invocations. */
    List<CollectorEntries.Entry> prepare() {
        opts.validate(spec.commandLine());
        if (csv != null) ExperimentOptions.checkWritable(spec.commandLine(), "--csv", csv);
        if (!jvm.equals("child") && !jvm.equals("same")) {
            throw usage("Invalid value for option '--jvm': " + Converters.shown(jvm) + "; valid values: child, same (values are case-sensitive)");
        }
        factorValues = factors.isEmpty() ? DEFAULT_FACTORS : parseFactors(factors);
        invocationCount = parseInvocations(invocations);
        List<CollectorEntries.Entry> list = CollectorEntries.parse(spec.commandLine(), collectors, opts, workload, opts.seedOrRandom());
        for (CollectorEntries.Entry e : list) ExperimentRunner.check(e.experiment());
        return list;
    }

    private List<Double> parseFactors(List<String> given) {
        List<Double> out = new ArrayList<>();
        Set<Double> seen = new LinkedHashSet<>();
        for (String raw : given) {
            String t = raw.trim();
            double d;
            try {
                d = Double.parseDouble(t);
            } catch (NumberFormatException ex) {
                throw usage("Invalid value for option '--heap-factors': " + Converters.shown(raw) + " is not a number; expected finite numbers > 0, e.g. 1.25,1.5,2");
            }
            if (!(d > 0) || Double.isInfinite(d)) {
                throw usage("Invalid value for option '--heap-factors': " + Converters.shown(raw) + " is not a finite number > 0; expected e.g. 1.25,1.5,2");
            }
            if (!seen.add(d)) throw usage("Invalid value for option '--heap-factors': " + t + " is listed twice");
            out.add(d);
        }
        return out;
    }

    private int parseInvocations(String raw) {
        String t = raw.trim();
        if (t.matches("[0-9]{1,4}")) {
            int n = Integer.parseInt(t);
            if (n >= 1 && n <= 1000) return n;
        }
        throw usage("Invalid value for option '--invocations': " + Converters.shown(raw) + " is not an integer in [1, 1000]");
    }

    private ParameterException usage(String message) { return new ParameterException(spec.commandLine(), message); }
}
