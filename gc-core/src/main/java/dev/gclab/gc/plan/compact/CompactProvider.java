package dev.gclab.gc.plan.compact;

import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.Constraints;
import dev.gclab.heap.Heap;

import java.util.List;
import java.util.Map;

/** Registers {@code compact}. */
public final class CompactProvider implements CollectorProvider {
    static final String NAME = "compact";

    @Override public String name() { return NAME; }
    @Override public String description() { return "mark, sweep, then in-place compaction per size class (two fingers, Ruby's GC.compact) with pins; compact_every=N, compact_when=frag>X"; }
    @Override public Constraints constraints() { return CompactCollector.CONSTRAINTS; }
    @Override public Collector create(Heap heap, CollectorOptions options) { return new CompactCollector(heap, options); }

    /**
     * The default (every collection compacts: the suites see moves at every collection) and one that
     * compacts only when fragmentation exceeds a quarter (collections that only mark and sweep, between
     * compacting ones).
     */
    @Override public List<Map<String, String>> variants() { return List.of(Map.of(), Map.of("compact_when", "frag>0.25")); }
}
