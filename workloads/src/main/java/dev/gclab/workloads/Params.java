package dev.gclab.workloads;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Checking of a workload's arguments against what it declares ({@link Workload#parameters()},
 * {@link Workload#sizes}): the runner calls {@link #check} before it builds a heap, and every workload
 * calls it again at the start of {@code run} (for callers that skip the runner). Every error is an
 * {@link IllegalArgumentException} whose message names the workload, the parameter (or the size), the
 * value as given and what is valid.
 */
public final class Params {
    private Params() {}

    /**
     * Checks {@code size} and {@code given} (the {@code -p} pairs) for {@code workload}.
     *
     * @return every declared parameter with its value
     * @throws IllegalArgumentException for an unknown key, a bad value or a size out of range
     */
    public static ParamValues check(Workload workload, double size, Map<String, String> given) {
        ParamValues values = parse(workload, given);
        if (!(size > 0) || Double.isInfinite(size)) {
            throw new IllegalArgumentException(workload.name() + ": size must be a finite number > 0, not " + Numbers.format(size));
        }
        SizeRange range = workload.sizes(values);
        if (!range.contains(size)) {
            throw new IllegalArgumentException(workload.name() + ": size " + Numbers.format(size) + " is out of range: "
                + workload.name() + " takes sizes in " + range + " (" + range.reason() + ")");
        }
        return values;
    }

    /** Checks the parameters only (no size). */
    public static ParamValues parse(Workload workload, Map<String, String> given) {
        List<WorkloadParam> declared = workload.parameters();
        Map<String, WorkloadParam> specs = new LinkedHashMap<>();
        for (WorkloadParam p : declared) specs.put(p.name(), p);
        for (String key : new TreeSet<>(given.keySet())) {
            if (!specs.containsKey(key)) {
                String valid = specs.isEmpty() ? "none (it takes no parameters)" : String.join(", ", new TreeSet<>(specs.keySet()));
                throw new IllegalArgumentException("unknown parameter '" + key + "' for workload " + workload.name()
                    + "; valid parameters: " + valid);
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (WorkloadParam p : declared) {
            String raw = given.get(p.name());
            values.put(p.name(), raw == null ? p.defaultValue() : p.check(workload.name(), raw));
        }
        return new ParamValues(workload.name(), specs, values);
    }

    /** The error for a bad value: names the parameter, the workload, the value as given and what is valid. */
    static IllegalArgumentException badValue(String workload, WorkloadParam p, String raw, String note) {
        String shown = raw.isEmpty() ? "'' (empty)" : "'" + raw + "'";
        return new IllegalArgumentException("parameter " + p.name() + " of workload " + workload + " must be " + p.valid()
            + ", not " + shown + (note != null ? " (" + note + ")" : ""));
    }
}
