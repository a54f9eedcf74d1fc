package dev.gclab.reports.runner;

/** A collector rejected its options ({@code -o key=value}): a usage error, reported with the collector's message. */
public final class CollectorOptionException extends IllegalArgumentException {
    public CollectorOptionException(IllegalArgumentException cause) {
        super(cause.getMessage(), cause);
    }
}
