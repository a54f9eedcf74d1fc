package dev.gclab.workloads.gcbench;

import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.stats.GcStats;
import dev.gclab.workloads.TestHeaps;
import dev.gclab.workloads.WorkloadRegistry;

import java.util.Map;

/**
 * Not a test: runs GCBench by hand and prints wall time, cycles and pauses.
 * Args: [size=1.0] [heapMiB=256] [verify=true] [runs=1].
 */
public final class GcBenchMeasure {
    public static void main(String[] args) {
        double size = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        long heapMiB = args.length > 1 ? Long.parseLong(args[1]) : 256;
        boolean verify = args.length <= 2 || Boolean.parseBoolean(args[2]);
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        for (int r = 0; r < runs; r++) {
            try (TestHeaps t = TestHeaps.create(heapMiB << 20, CollectorOptions.defaults().withVerify(verify))) {
                long t0 = System.nanoTime();
                WorkloadRegistry.byName("gcbench").run(t.context(1, size, Map.of()));
                long wall = System.nanoTime() - t0;
                GcStats s = t.collector().stats();
                t.log().forEach(System.out::println);
                System.out.printf("run %d: size %.3f heap %d MiB verify %b: wall %.1f ms, cycles %d, pauses: total %.1f ms, "
                        + "p50 %.2f ms, p90 %.2f ms, max %.2f ms; peak in use %,d bytes%n",
                    r, size, heapMiB, verify, wall / 1e6, s.cycles(), s.gcNanos() / 1e6, s.pauseNanosAt(50) / 1e6,
                    s.pauseNanosAt(90) / 1e6, s.maxPauseNanos() / 1e6, t.heap().peakInUseBytes());
                System.out.println("counters " + t.heap().counters().asMap());
            }
        }
    }
}
