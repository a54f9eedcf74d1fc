package dev.gclab.gc.plan.rc;

import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.Constraints;
import dev.gclab.heap.Heap;

/** Registers {@code rc}. */
public final class RcProvider implements CollectorProvider {
    static final String NAME = "rc";

    @Override public String name() { return NAME; }
    @Override public String description() {
        return "reference counting with CPython's cycle detector: 3.11's generations (700/10/10) or 3.14's incremental collection; counts in a side table or headers";
    }
    @Override public Constraints constraints() { return RcCollector.CONSTRAINTS; }
    @Override public Collector create(Heap heap, CollectorOptions options) { return new RcCollector(heap, options); }
    /** Counts in the side table (the default) and in object headers; CPython 3.14's incremental collection. */
    @Override public java.util.List<java.util.Map<String, String>> variants() {
        return java.util.List.of(java.util.Map.of(), java.util.Map.of("counts", "header"), java.util.Map.of("incremental", "true"));
    }
}
