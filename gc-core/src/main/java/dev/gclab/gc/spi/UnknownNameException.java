package dev.gclab.gc.spi;

/**
 * A name (of a collector, a workload, a shape) that is not registered; the message lists the valid
 * ones, and says that names are case-sensitive when one differs from the name given only in case.
 */
public final class UnknownNameException extends IllegalArgumentException {
    public UnknownNameException(String what, String name, String valid) {
        super("unknown " + what + " '" + name + "'; valid " + what + "s: " + valid + caseNote(name, valid));
    }

    private static String caseNote(String name, String valid) {
        for (String v : valid.split(",")) {
            if (v.trim().equalsIgnoreCase(name.trim()) && !v.trim().equals(name.trim())) return " (names are case-sensitive)";
        }
        return "";
    }
}
