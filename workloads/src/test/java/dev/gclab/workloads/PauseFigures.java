package dev.gclab.workloads;

import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.gc.stats.GcStats;
import dev.gclab.gc.stats.Mmu;
import dev.gclab.gc.stats.Timeline;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A test-only main that prints pause and utilisation figures of one run (until the CLI prints MMU):
 * wall and GC time, pause count, p50/p99/max, MMU from the collector's timeline for windows of 1 ms to
 * 1 s, peak occupancy, the longest pauses with their kind and the phases inside them, and the
 * collector's counters.
 *
 * <pre>
 * java -cp ... dev.gclab.workloads.PauseFigures WORKLOAD HEAP_MIB SEED SIZE COLLECTOR[:key=value...] [VERIFY [RUNS]]
 * </pre>
 * With RUNS &gt; 1 the run is repeated on fresh heaps in the same JVM and each is printed (the first
 * includes the JIT's warm-up).
 */
public final class PauseFigures {
    private PauseFigures() {}

    public static void main(String[] args) {
        String workload = args[0];
        long heapBytes = Long.parseLong(args[1]) << 20;
        long seed = Long.parseLong(args[2]);
        double size = Double.parseDouble(args[3]);
        String spec = args[4];
        boolean verify = args.length > 5 && Boolean.parseBoolean(args[5]);
        int runs = args.length > 6 ? Integer.parseInt(args[6]) : 1;
        for (int r = 0; r < runs; r++) run(workload, heapBytes, seed, size, spec, verify);
    }

    private static void run(String workload, long heapBytes, long seed, double size, String spec, boolean verify) {
        String[] parts = spec.split(":");
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) options.put(parts[i].substring(0, parts[i].indexOf('=')), parts[i].substring(parts[i].indexOf('=') + 1));
        try (Heap heap = new Heap(HeapConfig.of(heapBytes))) {
            Collector c = CollectorRegistry.byName(parts[0]).create(heap, CollectorOptions.defaults().withVerify(verify).withExtra(options));
            WorkloadContext ctx = new WorkloadContext(new Mutator(heap, c), c, seed, size, Map.of(), line -> {});
            long t0 = System.nanoTime();
            WorkloadRegistry.byName(workload).run(ctx);
            long t1 = System.nanoTime();
            GcStats s = c.stats();
            System.out.printf("%s %s heap=%dMiB seed=%d size=%s verify=%b%n", spec, workload, heapBytes >> 20, seed, size, verify);
            System.out.printf("  wall %.3f s, GC %.3f s (%.1f%%), verify %.3f s, cycles %d, pauses %d%n", (t1 - t0) / 1e9, s.gcNanos() / 1e9,
                100.0 * s.gcNanos() / (t1 - t0), s.verifyNanos() / 1e9, s.cycles(), s.pauseCount());
            System.out.printf("  pause p50 %.3f ms, p99 %.3f ms, max %.3f ms; peak in use %.1f MiB%n", s.pauseNanosAt(50) / 1e6,
                s.pauseNanosAt(99) / 1e6, s.maxPauseNanos() / 1e6, heap.peakInUseBytes() / 1048576.0);
            StringBuilder mmu = new StringBuilder("  MMU");
            for (long w : Mmu.WINDOWS_NS) mmu.append(String.format(" %dms=%.3f", w / 1_000_000, s.mmu(t0, t1, w)));
            System.out.println(mmu);
            Timeline t = s.timeline();
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < t.size(); i++) idx.add(i);
            idx.sort((a, b) -> Long.compare(t.duration(b), t.duration(a)));
            for (int k = 0; k < Math.min(8, idx.size()); k++) {
                int i = idx.get(k);
                StringBuilder ph = new StringBuilder();
                for (int p = 0; p < t.phaseCount(); p++) {
                    if (t.phaseStart(p) >= t.start(i) && t.phaseStart(p) < t.end(i)) ph.append(' ').append(t.phase(p)).append(String.format("=%.3f", t.phaseDuration(p) / 1e6));
                }
                System.out.printf("  pause #%d at %.3f s: %.3f ms %s%s%n", i, (t.start(i) - (t0 - s.origin())) / 1e9, t.duration(i) / 1e6, t.kind(i), ph);
            }
            System.out.println("  " + c.collectorCounters());
        }
    }
}
