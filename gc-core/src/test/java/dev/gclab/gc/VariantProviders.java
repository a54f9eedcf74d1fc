package dev.gclab.gc;

import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.gc.spi.Constraints;
import dev.gclab.heap.Heap;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every registered collector in each of its {@link CollectorProvider#variants() variants}, as providers:
 * for the cross-collector suites that take a provider (or a name) and should run every variant without
 * knowing any collector. A variant's provider creates the collector with the variant's options added to
 * those it is given (the caller's win on a clash), and is named like {@code generational{barrier=ssb}}.
 */
public final class VariantProviders {
    private VariantProviders() {}

    /** Every registered collector × its variants; the default variant is the provider itself. */
    public static List<CollectorProvider> all() {
        return CollectorRegistry.all().stream().flatMap(p -> p.variants().stream().map(v -> of(p, v))).toList();
    }

    /** {@code p} in variant {@code v} ({@code p} itself for the empty variant). */
    public static CollectorProvider of(CollectorProvider p, Map<String, String> v) {
        if (v.isEmpty()) return p;
        String name = p.name() + new TreeMap<>(v).toString().replace(", ", ",");
        return new CollectorProvider() {
            @Override public String name() { return name; }
            @Override public String description() { return p.description(); }
            @Override public Constraints constraints() { return p.constraints(); }
            @Override public List<Map<String, String>> variants() { return List.of(Map.of()); }

            @Override
            public Collector create(Heap heap, CollectorOptions options) {
                Map<String, String> extra = new TreeMap<>(v);
                extra.putAll(options.extra());
                return p.create(heap, options.withExtra(extra));
            }

            @Override public String toString() { return name; }
        };
    }

    /** The provider (in its variant) of a name from {@link #all()}. */
    public static CollectorProvider byName(String name) {
        for (CollectorProvider p : all()) if (p.name().equals(name)) return p;
        return CollectorRegistry.byName(name);
    }
}
