package dev.gclab.gc.stress;

import dev.gclab.gc.finalize.FinalizerOrder;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.MarkBits;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One configuration the stress tester runs: a registered collector in one of its
 * {@link CollectorProvider#variants() variants}, a mark-bit mode and a finalizer order. The list
 * comes from the registry, so a new collector is stress-tested without an edit here.
 */
record StressConfig(CollectorProvider provider, Map<String, String> variant, MarkBits markBits, FinalizerOrder order) {

    /** Every registered collector × its variants × mark-bit modes × finalizer orders. */
    static List<StressConfig> all() {
        List<StressConfig> l = new ArrayList<>();
        for (CollectorProvider p : CollectorRegistry.all()) {
            for (Map<String, String> v : p.variants()) {
                for (MarkBits mb : MarkBits.values()) {
                    for (FinalizerOrder o : FinalizerOrder.values()) l.add(new StressConfig(p, v, mb, o));
                }
            }
        }
        return l;
    }

    /** The configurations grouped by collector variant (mark bits and orders inside a group), in {@link #all()}'s order. */
    static List<List<StressConfig>> groups() {
        Map<String, List<StressConfig>> g = new java.util.LinkedHashMap<>();
        for (StressConfig c : all()) g.computeIfAbsent(c.provider().name() + c.variant(), k -> new ArrayList<>()).add(c);
        return new ArrayList<>(g.values());
    }

    /** E.g. {@code rc{counts=header}} for a group of configurations. */
    static String groupName(List<StressConfig> group) {
        StressConfig c = group.get(0);
        return c.provider().name() + (c.variant().isEmpty() ? "" : new TreeMap<>(c.variant()).toString().replace(", ", ","));
    }

    /** E.g. {@code rc{counts=header}/SIDE/TOPOLOGICAL}; {@link #byName} reads it back. */
    String name() {
        return provider.name() + (variant.isEmpty() ? "" : new TreeMap<>(variant).toString().replace(", ", ",")) + "/" + markBits + "/" + order;
    }

    static StressConfig byName(String name) {
        List<String> names = new ArrayList<>();
        for (StressConfig c : all()) {
            if (c.name().equals(name)) return c;
            names.add(c.name());
        }
        throw new IllegalArgumentException("unknown stress configuration '" + name + "'; valid: " + String.join(", ", names));
    }

    // ------------------------------------------------------------------ tuning knobs

    /**
     * Collector options the tester would like to turn (low detector thresholds make finalizers and
     * callbacks run inside collections triggered by their own allocations). A knob is used only with
     * collectors that accept it; one that rejects it (IllegalArgumentException on create) runs
     * without, and the test log says so once.
     */
    record Knob(String key, java.util.function.Function<SplittableRandom, String> value) {}

    static final List<Knob> KNOBS = List.of(
        // rc's detector thresholds (t0,t1,t2): low ones make allocations in finalizers and callbacks run detections
        new Knob("thresholds", r -> {
            int t0 = r.nextInt(10) == 0 ? 1 + r.nextInt(3) : 4 + r.nextInt(r.nextBoolean() ? 30 : 150);
            return t0 + "," + (1 + r.nextInt(5)) + "," + (1 + r.nextInt(5));
        }),
        // when the threshold-crossing allocation collects: inside it (CPython 3.11) or at the next one (3.12+)
        new Knob("trigger", r -> r.nextBoolean() ? "allocation" : "eval_breaker"));

    private static final Map<String, Boolean> ACCEPTED = new ConcurrentHashMap<>();

    /** True if this configuration's collector accepts {@code knob} (tried once, on a small heap). */
    boolean accepts(Knob knob) {
        String key = provider.name() + variant + "/" + knob.key();
        return ACCEPTED.computeIfAbsent(key, k -> {
            Map<String, String> extra = new TreeMap<>(variant);
            extra.putIfAbsent(knob.key(), knob.value().apply(new SplittableRandom(2)));
            try (Heap heap = new Heap(HeapConfig.of(1L << 20))) {
                provider.create(heap, new CollectorOptions(2.0, 1L << 20, false, extra));
                return true;
            } catch (IllegalArgumentException e) {
                System.out.println("stress: " + provider.name() + variant + " does not take option " + knob.key() + " (" + e.getMessage() + "); its programs run without it");
                return false;
            }
        });
    }

    /** Per-program settings drawn from the seed: heap size, collection triggers, knobs. */
    record Tuning(long heapBytes, long minTriggerBytes, double growthFactor, Map<String, String> knobs, boolean closeAtEnd) {
        CollectorOptions options(Map<String, String> variant) {
            Map<String, String> extra = new TreeMap<>(knobs);
            extra.putAll(variant); // a variant's own settings win
            return new CollectorOptions(growthFactor, minTriggerBytes, true, extra);
        }

        @Override public String toString() {
            return String.format("heap %d MiB, min trigger %d KiB, growth %.2f, knobs %s%s", heapBytes >> 20, minTriggerBytes >> 10,
                growthFactor, knobs.isEmpty() ? "none" : knobs, closeAtEnd ? ", collector.close() at the end" : "");
        }
    }

    Tuning tuning(SplittableRandom r) {
        long[] heaps = {2, 2, 3, 4, 6, 8};
        long heap = heaps[r.nextInt(heaps.length)] << 20;
        long minTrigger = r.nextInt(5) == 0 ? (32L << 10) << r.nextInt(2) : (128L << 10) << r.nextInt(4); // 32 KiB .. 1 MiB, mostly >= 128 KiB
        double growth = new double[] {1.25, 1.5, 2.0}[r.nextInt(3)];
        Map<String, String> knobs = new TreeMap<>();
        for (Knob k : KNOBS) {
            String v = k.value().apply(r); // drawn always, so that the stream does not depend on acceptance
            if (r.nextInt(10) < 7 && !variant.containsKey(k.key()) && accepts(k)) knobs.put(k.key(), v);
        }
        boolean close = r.nextInt(4) == 0;
        return new Tuning(heap, minTrigger, growth, knobs, close);
    }
}
