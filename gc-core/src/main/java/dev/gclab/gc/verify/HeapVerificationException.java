package dev.gclab.gc.verify;

import java.util.List;

/** The heap verifier found the heap inconsistent; the message lists the problems found. */
public final class HeapVerificationException extends RuntimeException {
    private final List<String> problems;

    public HeapVerificationException(String when, List<String> problems, int total) {
        super("heap verification failed " + when + ": " + total + " problem(s):\n  - " + String.join("\n  - ", problems)
            + (total > problems.size() ? "\n  ... " + (total - problems.size()) + " more" : ""));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() { return problems; }
}
