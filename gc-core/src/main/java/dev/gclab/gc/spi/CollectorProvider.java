package dev.gclab.gc.spi;

import dev.gclab.heap.Heap;

/**
 * A collector's entry in the registry. Providers are found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.gclab.gc.spi.CollectorProvider}), so a new collector needs no edit
 * anywhere else: the CLI lists it, runs it, and the conformance suites test it.
 */
public interface CollectorProvider {
    /** The short name used on the command line, e.g. {@code marksweep}. */
    String name();

    /** One line: what this collector is. */
    String description();

    Constraints constraints();

    /** A new collector for {@code heap}. */
    Collector create(Heap heap, CollectorOptions options);

    /**
     * The configurations the cross-collector suites (differential programs, stress tests, the
     * conformance kit) run this collector in: each is a set of collector options ({@code -o
     * key=value}) that changes how the collector works (where counts live, which barrier, ...).
     * The first is the default configuration; the default method returns only it (no options).
     */
    default java.util.List<java.util.Map<String, String>> variants() { return java.util.List.of(java.util.Map.of()); }
}
