package dev.gclab.workloads;

import dev.gclab.gc.spi.Collector;
import dev.gclab.heap.Mutator;

import java.util.Map;

/**
 * What a workload runs against.
 *
 * @param mutator   the heap API (allocation, slots, frames, handles)
 * @param collector the collector, for explicit collections ({@code collector.collect(GcCause.EXPLICIT)})
 * @param seed      the seed of every random choice
 * @param size      scale: 1.0 is the full, published size
 * @param params    workload-specific parameters ({@code -p key=value}); unknown keys are an error
 * @param log       progress lines the workload wants to print (may be ignored by the runner)
 */
public record WorkloadContext(Mutator mutator, Collector collector, long seed, double size,
                              Map<String, String> params, java.util.function.Consumer<String> log) {
    public WorkloadContext {
        if (!(size > 0)) throw new IllegalArgumentException("size must be > 0: " + size);
        params = Map.copyOf(params);
    }

    /** A parameter's value, or {@code dflt}. */
    public String param(String key, String dflt) { return params.getOrDefault(key, dflt); }
}
