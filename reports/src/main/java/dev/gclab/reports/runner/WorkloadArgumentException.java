package dev.gclab.reports.runner;

/**
 * The workload rejected its arguments (a parameter value, the size): an {@link IllegalArgumentException}
 * it threw before allocating anything. The CLI treats it as a usage error. (The workload API has no
 * exception type of its own for this; an argument error thrown after the first allocation stays a
 * plain run failure.)
 */
public final class WorkloadArgumentException extends IllegalArgumentException {
    public WorkloadArgumentException(IllegalArgumentException cause) { super(cause.getMessage(), cause); }
}
