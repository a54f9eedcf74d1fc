package dev.gclab.workloads;

import java.util.List;

/**
 * A mutator program: it allocates, links and drops objects through the {@link WorkloadContext}'s
 * mutator, and may ask for explicit collections. A workload is seeded (every random choice comes from
 * {@link WorkloadContext#seed()}) and sized ({@link WorkloadContext#size()}: 1.0 is the workload's
 * full, published size; smaller values scale it down for tests). Implementations are stateless and
 * registered with {@link java.util.ServiceLoader} ({@code META-INF/services/dev.gclab.workloads.Workload}).
 *
 * <p>Arguments. A workload declares its parameters ({@link #parameters()}: name, type, range, default,
 * meaning) and the sizes it can run with ({@link #sizes}); {@link Params#check} validates a run's
 * arguments against them before any heap exists, so a bad value is reported before any work starts.
 * {@code run} gets its checked values with {@code Params.check(this, ctx.size(), ctx.params())}.
 */
public interface Workload {
    /** Short name used on the command line, e.g. {@code gcbench}. */
    String name();

    /** One line: what the program does. */
    String description();

    /** The workload's parameters ({@code -p key=value}) in the order help text lists them. */
    default List<WorkloadParam> parameters() { return List.of(); }

    /**
     * The sizes this workload can run with, given its (checked) parameters: a size outside is refused
     * before the run with this range in the message. Default: any finite size above 0.
     */
    default SizeRange sizes(ParamValues params) { return SizeRange.ANY; }

    /** Runs the program once. */
    void run(WorkloadContext context);
}
