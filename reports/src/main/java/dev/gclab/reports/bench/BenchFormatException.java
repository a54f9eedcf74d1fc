package dev.gclab.reports.bench;

/** A baseline file that is missing, not JSON, or not written by {@code gclab bench --json}; the message names the file. */
public final class BenchFormatException extends Exception {
    public BenchFormatException(String message) { super(message); }
}
