package dev.gclab.bench;

import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;

import java.util.Map;

/** A simulated heap with a collector (mark-sweep unless named) and a mutator: the fixture every benchmark starts from. */
record SimHeap(Heap heap, Collector collector, Mutator mutator) implements AutoCloseable {
    /** A minimum trigger no benchmark reaches: the collector runs only when asked. */
    static final long NEVER = 1L << 50;

    /**
     * The collector runs only when asked: mark-sweep's trigger is never reached and rc's automatic
     * cycle detection is off (rc still frees by count).
     */
    static SimHeap quiet(String collector, HeapConfig config) {
        Map<String, String> extra = collector.equals("rc") ? Map.of("thresholds", "0") : Map.of();
        return of(collector, config, new CollectorOptions(2.0, NEVER, false, extra));
    }

    static SimHeap markSweep(HeapConfig config, CollectorOptions options) { return of("marksweep", config, options); }

    /**
     * A collector given as {@code name} or {@code name:key=value:key=value} (its {@code -o} options), run
     * only when asked.
     */
    static SimHeap spec(String spec, HeapConfig config) {
        String[] parts = spec.split(":");
        Map<String, String> extra = new java.util.LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) extra.put(parts[i].substring(0, parts[i].indexOf('=')), parts[i].substring(parts[i].indexOf('=') + 1));
        if (parts[0].equals("rc")) extra.putIfAbsent("thresholds", "0");
        return of(parts[0], config, new CollectorOptions(2.0, NEVER, false, extra));
    }

    static SimHeap of(String collector, HeapConfig config, CollectorOptions options) {
        Heap heap = new Heap(config);
        Collector c = CollectorRegistry.byName(collector).create(heap, options);
        return new SimHeap(heap, c, new Mutator(heap, c));
    }

    @Override
    public void close() {
        collector.close();
        heap.close();
    }
}
