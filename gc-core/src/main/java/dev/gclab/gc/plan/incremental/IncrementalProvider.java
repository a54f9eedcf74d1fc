package dev.gclab.gc.plan.incremental;

import dev.gclab.gc.spi.BarrierKind;
import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.Constraints;
import dev.gclab.heap.Heap;

import java.util.List;
import java.util.Map;

/** Registers {@code incremental}. */
public final class IncrementalProvider implements CollectorProvider {
    static final String NAME = "incremental";
    /** The default configuration's (SATB); an instance with {@code barrier=iu} declares {@link BarrierKind#INCREMENTAL_UPDATE}. */
    static final Constraints CONSTRAINTS = new Constraints(false, BarrierKind.SATB, false, false, true, false);

    @Override public String name() { return NAME; }
    @Override public String description() {
        return "incremental non-moving mark-sweep: tri-colour marking in paced steps, SATB or incremental-update barrier, lazy sweeping";
    }
    @Override public Constraints constraints() { return CONSTRAINTS; }
    @Override public Collector create(Heap heap, CollectorOptions options) { return new IncrementalCollector(heap, options); }
    /** The snapshot barrier (the default) and the incremental-update barrier. */
    @Override public List<Map<String, String>> variants() { return List.of(Map.of(), Map.of("barrier", "iu")); }
}
