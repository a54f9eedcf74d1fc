package dev.gclab.gc.plan.copying;

import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.Constraints;
import dev.gclab.heap.Heap;

import java.util.List;
import java.util.Map;

/** Registers {@code copying}. */
public final class CopyingProvider implements CollectorProvider {
    static final String NAME = "copying";

    @Override public String name() { return NAME; }
    @Override public String description() { return "Bartlett's mostly-copying collector on spans: evacuates live objects, keeps pinned spans in place; Cheney (breadth) or depth-first copy order"; }
    @Override public Constraints constraints() { return CopyingCollector.CONSTRAINTS; }
    @Override public Collector create(Heap heap, CollectorOptions options) { return new CopyingCollector(heap, options); }
    /** Breadth-first copy order (the default, Cheney's) and depth-first; forwarding in side tables (the default) and in headers. */
    @Override public List<Map<String, String>> variants() { return List.of(Map.of(), Map.of("order", "depth"), Map.of("forward", "header")); }
}
