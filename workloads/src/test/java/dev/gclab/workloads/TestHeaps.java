package dev.gclab.workloads;

import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A heap, a collector and a mutator for one test, closed together. */
public record TestHeaps(Heap heap, Collector collector, Mutator mutator, List<String> log) implements AutoCloseable {
    /** Mark-sweep with the verifier on after every collection. */
    public static TestHeaps markSweep(long maxBytes, long minTriggerBytes) {
        return create(maxBytes, CollectorOptions.defaults().withVerify(true).withMinTrigger(minTriggerBytes));
    }

    public static TestHeaps create(long maxBytes, CollectorOptions options) {
        return create("marksweep", maxBytes, options);
    }

    /** The registered collector {@code collector} on a fresh heap. */
    public static TestHeaps create(String collector, long maxBytes, CollectorOptions options) {
        Heap heap = new Heap(HeapConfig.of(maxBytes));
        Collector c = CollectorRegistry.byName(collector).create(heap, options);
        return new TestHeaps(heap, c, new Mutator(heap, c), new ArrayList<>());
    }

    public WorkloadContext context(long seed, double size, Map<String, String> params) {
        return new WorkloadContext(mutator, collector, seed, size, params, log::add);
    }

    @Override
    public void close() {
        collector.close();
        heap.close();
    }
}
