package dev.gclab.reports.runner;

import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.gc.stats.GcStats;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.OutOfHeapException;
import dev.gclab.reports.GclabVersion;
import dev.gclab.workloads.Params;
import dev.gclab.workloads.Workload;
import dev.gclab.workloads.WorkloadParam;
import dev.gclab.workloads.WorkloadContext;
import dev.gclab.workloads.WorkloadRegistry;

import java.time.Instant;
import java.util.Locale;
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
            long wallNs = System.nanoTime() - t0;
            return result(e, timestamp, heap, collector, wallNs);
        }
    }

    private static Collector create(CollectorProvider provider, Heap heap, CollectorOptions options) {
        try {
            return provider.create(heap, options);
        } catch (IllegalArgumentException ex) {
            throw new CollectorOptionException(provider.name(), ex);
        }
    }

    private static void checkParams(Workload workload, Experiment e) {
        Set<String> valid = new TreeSet<>(workload.parameters().stream().map(WorkloadParam::name).toList());
        for (String key : e.params().keySet()) {
            if (!valid.contains(key)) throw new UnknownParameterException(workload.name(), key, valid);
        }
    }

    private static RunResult result(Experiment e, String timestamp, Heap heap, Collector collector, long wallNs) {
        GcStats s = collector.stats();
        var pauses = new RunResult.Pauses(s.pauseCount(), s.gcNanos(), s.pauseNanosAt(50), s.pauseNanosAt(90),
            s.pauseNanosAt(99), s.maxPauseNanos());
        var c = collector.constraints();
        var constraints = new RunResult.Constraints(c.movesObjects(), lower(c.barrier()), c.needsRefCounts(),
            c.generational(), c.incremental(), c.supportsPinning());
        var os = new RunResult.Os(System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("os.version"));
        var machine = new RunResult.Machine(Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory());
        return new RunResult(RunResult.SCHEMA_VERSION, GclabVersion.get(), timestamp, e.collector(), e.workload(),
            e.seed(), e.size(), e.params(), e.collectorOptions(), heap.maxBytes(), lower(e.markBits()), lower(e.checks()), e.verify(),
            e.growthFactor(), constraints, s.cycles(), s.youngCycles(), pauses, wallNs, s.gcNanos(),
            wallNs - s.gcNanos() - s.verifyNanos(), heap.peakInUseBytes(), heap.counters().asMap(), s.verifyNanos(),
            collector.collectorCounters(), Runtime.version().toString(), os, machine);
    }

    private static String lower(Enum<?> e) { return e.name().toLowerCase(Locale.ROOT); }
}
