package dev.gclab.reports.runner;

import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.gc.stats.GcStats;
import dev.gclab.gc.stats.Mmu;
import dev.gclab.gc.stats.Timeline;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.OutOfHeapException;
import dev.gclab.heap.Space;
import dev.gclab.reports.GclabVersion;
import dev.gclab.workloads.Params;
import dev.gclab.workloads.Workload;
import dev.gclab.workloads.WorkloadParam;
import dev.gclab.workloads.WorkloadContext;
import dev.gclab.workloads.WorkloadRegistry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Runs one {@link Experiment}: resolves the collector and workload by name, checks the workload
 * parameters, builds a fresh heap, collector and mutator, runs the workload once and turns the
 * collector's statistics and the heap's work counters into a {@link RunResult}.
 *
 * <p>Wall time is {@link System#nanoTime} around {@code Workload.run} only (not heap setup or
 * teardown); GC time is the collector's pause total; mutator time is the difference (so with
 * {@code verify} it includes heap verification, which collectors do not count as pause).
 * Failures of the run (out of heap, invalid access, verification) propagate unchanged (an out-of-heap
 * because the machine ran out of memory gets the heap's live bytes filled in); an
 * {@link IllegalArgumentException} the workload throws before its first allocation is its rejection
 * of the parameters or size and becomes a {@link WorkloadArgumentException}. The heap is closed either way.
 */
public final class ExperimentRunner {
    private final Consumer<String> log;

    /** @param log receives the workload's progress lines */
    public ExperimentRunner(Consumer<String> log) { this.log = log; }

    public ExperimentRunner() { this(line -> {}); }

    /**
     * Checks everything that can be checked before a run: the collector and workload exist, the
     * workload declares every parameter given, every value is valid and the size is in the workload's
     * range, and the collector accepts its options ({@link CollectorProvider#validate}).
     *
     * @throws dev.gclab.gc.spi.UnknownNameException for an unknown collector or workload
     * @throws UnknownParameterException             for a parameter the workload does not declare
     * @throws WorkloadArgumentException             for a bad parameter value or size
     * @throws CollectorOptionException             for options the collector rejects
     */
    public static void check(Experiment e) {
        CollectorProvider provider = CollectorRegistry.byName(e.collector());
        Workload workload = WorkloadRegistry.byName(e.workload());
        checkParams(workload, e);
        try {
            Params.check(workload, e.size(), e.params());
        } catch (IllegalArgumentException ex) {
            throw new WorkloadArgumentException(ex);
        }
        try {
            provider.validate(options(e));
        } catch (IllegalArgumentException ex) {
            throw new CollectorOptionException(provider.name(), ex);
        }
    }

    private static CollectorOptions options(Experiment e) {
        return new CollectorOptions(e.growthFactor(), CollectorOptions.defaults().minTriggerBytes(), e.verify(), e.collectorOptions());
    }

    /** Runs {@code e} once on a fresh heap; failures of the run propagate (see {@link #check} for bad names). */
    public RunResult run(Experiment e) {
        CollectorProvider provider = CollectorRegistry.byName(e.collector());
        Workload workload = WorkloadRegistry.byName(e.workload());
        checkParams(workload, e);
        HeapConfig config = HeapConfig.of(e.heapBytes()).withMarkBits(e.markBits()).withChecks(e.checks());
        CollectorOptions options = options(e);
        String timestamp = Instant.now().toString();
        try (Heap heap = new Heap(config); Collector collector = create(provider, heap, options)) {
            WorkloadContext context = new WorkloadContext(new Mutator(heap, collector), collector,
                e.seed(), e.size(), e.params(), log);
            long t0 = System.nanoTime();
            try {
                workload.run(context);
            } catch (IllegalArgumentException ex) {
                if (heap.counters().allocations == 0) throw new WorkloadArgumentException(ex);
                throw ex;
            } catch (OutOfHeapException ex) {
                throw ex.withLiveBytes(heap.inUseBytes()); // the machine ran out: the memory layer does not know the live bytes
            }
            long t1 = System.nanoTime();
            return result(e, timestamp, heap, collector, t0, t1);
        }
    }

    private static Collector create(CollectorProvider provider, Heap heap, CollectorOptions options) {
        try {
            return provider.create(heap, options);
        } catch (IllegalArgumentException ex) {
            throw new CollectorOptionException(provider.name(), ex);
        } catch (OutOfHeapException ex) { // a collector that commits memory when created (a reserved nursery)
            throw ex.withLiveBytes(heap.inUseBytes());
        }
    }

    private static void checkParams(Workload workload, Experiment e) {
        Set<String> valid = new TreeSet<>(workload.parameters().stream().map(WorkloadParam::name).toList());
        for (String key : e.params().keySet()) {
            if (!valid.contains(key)) throw new UnknownParameterException(workload.name(), key, valid);
        }
    }

    private static RunResult result(Experiment e, String timestamp, Heap heap, Collector collector, long t0, long t1) {
        long wallNs = t1 - t0;
        GcStats s = collector.stats();
        var pauses = new RunResult.Pauses(s.pauseCount(), s.gcNanos(), s.pauseNanosAt(50), s.pauseNanosAt(90),
            s.pauseNanosAt(99), s.maxPauseNanos());
        var c = collector.constraints();
        var constraints = new RunResult.Constraints(c.movesObjects(), lower(c.barrier()), c.needsRefCounts(),
            c.generational(), c.incremental(), c.supportsPinning());
        var os = new RunResult.Os(System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("os.version"));
        var machine = RunResult.Machine.current();
        return new RunResult(RunResult.SCHEMA_VERSION, GclabVersion.get(), timestamp, e.collector(), e.workload(),
            e.seed(), e.size(), e.params(), e.collectorOptions(), heap.maxBytes(), lower(e.markBits()), lower(e.checks()), e.verify(),
            e.growthFactor(), constraints, s.cycles(), s.youngCycles(), pauses, wallNs, s.gcNanos(),
            wallNs - s.gcNanos() - s.verifyNanos(), heap.peakInUseBytes(), heap.counters().asMap(), s.verifyNanos(),
            collector.collectorCounters(), Runtime.version().toString(), os, machine,
            spaces(heap), summary(s.minorPauses()), summary(s.majorPauses()), mmu(s, t0, t1), timeline(heap, s, t0, t1),
            String.join(" ", e.commandLine()), jvmArgs());
    }

    private static Map<String, RunResult.SpaceStats> spaces(Heap heap) {
        Map<String, RunResult.SpaceStats> m = new LinkedHashMap<>();
        for (int i = 0; i < heap.spaceCount(); i++) {
            Space sp = heap.space(i);
            m.put(sp.name, new RunResult.SpaceStats(sp.inUseBytes(), sp.committedBytes(), sp.peakInUseBytes(), sp.copiedBytes(), sp.reservedBytes()));
        }
        return m;
    }

    private static RunResult.Pauses summary(org.HdrHistogram.Histogram h) {
        if (h.getTotalCount() == 0) return RunResult.Pauses.NONE;
        long total = 0;
        for (var v : h.recordedValues()) total += v.getValueIteratedTo() * v.getCountAtValueIteratedTo();
        return new RunResult.Pauses(h.getTotalCount(), total, h.getValueAtPercentile(50), h.getValueAtPercentile(90),
            h.getValueAtPercentile(99), h.getMaxValue());
    }

    private static List<RunResult.MmuPoint> mmu(GcStats s, long t0, long t1) {
        List<RunResult.MmuPoint> points = new ArrayList<>();
        for (long w : Mmu.WINDOWS_NS) points.add(new RunResult.MmuPoint(w / 1e6, s.mmu(t0, t1, w)));
        return points;
    }

    private static RunResult.PauseTimeline timeline(Heap heap, GcStats s, long t0, long t1) {
        Timeline t = s.timeline();
        int n = t.size();
        List<Long> start = new ArrayList<>(n), duration = new ArrayList<>(n), heapBytes = new ArrayList<>(n);
        List<String> kind = new ArrayList<>(n);
        List<List<Long>> spaceBytes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            start.add(t.start(i));
            duration.add(t.duration(i));
            kind.add(lower(t.kind(i)));
            heapBytes.add(t.heapAfter(i));
            List<Long> row = new ArrayList<>(t.spaces());
            for (int k = 0; k < t.spaces(); k++) row.add(t.spaceAfter(i, k));
            spaceBytes.add(row);
        }
        List<String> spaceNames = new ArrayList<>();
        for (int k = 0; k < t.spaces(); k++) spaceNames.add(heap.space(k).name);
        int m = t.phaseCount();
        List<Long> pStart = new ArrayList<>(m), pDuration = new ArrayList<>(m);
        List<String> phase = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            pStart.add(t.phaseStart(i));
            pDuration.add(t.phaseDuration(i));
            phase.add(lower(t.phase(i)));
        }
        return new RunResult.PauseTimeline(t0 - s.origin(), t1 - s.origin(), start, duration, kind, heapBytes, spaceNames, spaceBytes,
            pStart, pDuration, phase);
    }

    /** This JVM's options (as {@code java} was given them), for the result's provenance. */
    static List<String> jvmArgs() {
        return List.copyOf(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    private static String lower(Enum<?> e) { return e.name().toLowerCase(Locale.ROOT); }
}
