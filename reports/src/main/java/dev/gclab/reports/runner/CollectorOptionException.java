package dev.gclab.reports.runner;

/**
 * A collector rejected its options ({@code -o key=value}): a usage error, reported with the collector's
 * message, prefixed with the collector's name when the message does not start with it.
 */
public final class CollectorOptionException extends IllegalArgumentException {
    public CollectorOptionException(String collector, IllegalArgumentException cause) {
        super(named(collector, cause.getMessage()), cause);
    }

    private static String named(String collector, String message) {
        String m = message == null ? "invalid options" : message;
        return m.startsWith(collector + ":") ? m : collector + ": " + m;
    }
}
