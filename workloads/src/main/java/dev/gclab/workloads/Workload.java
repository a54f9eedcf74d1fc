package dev.gclab.workloads;

/**
 * A mutator program: it allocates, links and drops objects through the {@link WorkloadContext}'s
 * mutator, and may ask for explicit collections. A workload is seeded (every random choice comes from
 * {@link WorkloadContext#seed()}) and sized ({@link WorkloadContext#size()}: 1.0 is the workload's
 * full, published size; smaller values scale it down for tests). Implementations are stateless and
 * registered with {@link java.util.ServiceLoader} ({@code META-INF/services/dev.gclab.workloads.Workload}).
 */
public interface Workload {
    /** Short name used on the command line, e.g. {@code gcbench}. */
    String name();

    /** One line: what the program does. */
    String description();

    /** The workload's parameters ({@code -p key=value}) with their defaults and meanings, for help text. */
    default java.util.Map<String, String> parameters() { return java.util.Map.of(); }

    /** Runs the program once. */
    void run(WorkloadContext context);
}
