package dev.gclab.reports.runner;

import java.util.Set;

/** A {@code -p key=value} whose key the workload does not declare; the message lists the valid keys. */
public final class UnknownParameterException extends IllegalArgumentException {
    public UnknownParameterException(String workload, String key, Set<String> valid) {
        super("unknown parameter '" + key + "' for workload " + workload + "; "
            + (valid.isEmpty() ? workload + " takes no parameters" : "valid parameters: " + String.join(", ", valid)));
    }
}
