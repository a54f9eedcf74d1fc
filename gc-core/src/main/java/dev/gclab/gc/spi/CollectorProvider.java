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
}
