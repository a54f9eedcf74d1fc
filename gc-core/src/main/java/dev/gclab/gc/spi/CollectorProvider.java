package dev.gclab.gc.spi;

import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;

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

    /**
     * A new collector for {@code heap}.
     *
     * @throws IllegalArgumentException if the collector rejects {@code options} (an unknown or bad
     *         {@code extra} knob); the message should start with the collector's name
     */
    Collector create(Heap heap, CollectorOptions options);

    /**
     * The configurations the cross-collector suites (differential programs, stress tests, the
     * conformance kit) run this collector in: each is a set of collector options ({@code -o
     * key=value}) that changes how the collector works (where counts live, which barrier, ...).
     * The first is the default configuration; the default method returns only it (no options).
     */
    default java.util.List<java.util.Map<String, String>> variants() { return java.util.List.of(java.util.Map.of()); }

    /**
     * Checks {@code options} without running anything, so that a tool can refuse bad options before
     * the first run (e.g. {@code gclab compare}, which runs several collectors with the same options).
     * The default creates a collector on a throwaway 1 MiB heap and closes it; a provider may override it
     * with a cheaper check that throws the same exceptions as {@link #create}. A collector that commits
     * memory when it is created (a reserved nursery) may find the machine out of memory here: that is not
     * the options' fault, and the run itself reports it (with its seed), so it is ignored.
     *
     * @throws IllegalArgumentException as {@link #create} does for bad options
     */
    default void validate(CollectorOptions options) {
        try (Heap scratch = new Heap(HeapConfig.of(HeapConfig.MIN_BYTES))) {
            create(scratch, options).close();
        } catch (dev.gclab.heap.OutOfHeapException machineOutOfMemory) {
            // the options were read before the collector asked for memory; the run reports the failure
        }
    }
}
