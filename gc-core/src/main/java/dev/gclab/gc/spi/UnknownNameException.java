package dev.gclab.gc.spi;

/** A name (of a collector, a workload, a shape) that is not registered; the message lists the valid ones. */
public final class UnknownNameException extends IllegalArgumentException {
    public UnknownNameException(String what, String name, String valid) {
        super("unknown " + what + " '" + name + "'; valid " + what + "s: " + valid);
    }
}
