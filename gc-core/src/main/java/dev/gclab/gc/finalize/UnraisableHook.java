package dev.gclab.gc.finalize;

/**
 * Receives exceptions thrown by finalizers, weak-reference callbacks and cleanups, which must never
 * abort a collection (CPython's {@code sys.unraisablehook}). The default prints a warning.
 */
@FunctionalInterface
public interface UnraisableHook {
    void report(String where, Throwable error);

    UnraisableHook WARN = (where, error) ->
        System.err.println("gclab: warning: exception ignored in " + where + ": " + error);
}
