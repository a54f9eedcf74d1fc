package dev.gclab.gc.plan.marksweep;

import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.Constraints;
import dev.gclab.heap.Heap;

/** Registers {@code marksweep}. */
public final class MarkSweepProvider implements CollectorProvider {
    static final String NAME = "marksweep";

    @Override public String name() { return NAME; }
    @Override public String description() { return "stop-the-world non-moving mark-and-sweep; side-bitmap marks, Go-style bitmap sweep"; }
    @Override public Constraints constraints() { return MarkSweepCollector.CONSTRAINTS; }
    @Override public Collector create(Heap heap, CollectorOptions options) { return new MarkSweepCollector(heap, options); }
}
