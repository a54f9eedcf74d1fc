package dev.gclab.gc.plan.generational;

import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.Constraints;
import dev.gclab.heap.Heap;

import java.util.List;
import java.util.Map;

/** Registers {@code generational}. */
public final class GenerationalProvider implements CollectorProvider {
    public static final String NAME = "generational";

    @Override public String name() { return NAME; }

    @Override
    public String description() {
        return "generational: a copying nursery in a reserved range (or sticky mark bits) over a mark-sweep old space; remembered set by cards, object log or store buffer";
    }

    @Override public Constraints constraints() { return GenConstraints.COPYING; }
    @Override public Collector create(Heap heap, CollectorOptions options) { return new GenerationalCollector(heap, options); }

    /**
     * The configurations the cross-collector suites run: card marking (the default), object logging, the
     * store buffer, the non-moving sticky variant, and card marking with survivors aged in the nursery for
     * two minor collections (the remembered set then outlives minor collections).
     */
    @Override
    public List<Map<String, String>> variants() {
        return List.of(Map.of(), Map.of("barrier", "object"), Map.of("barrier", "ssb"), Map.of("nursery", "sticky"), Map.of("promote_age", "2"));
    }
}
