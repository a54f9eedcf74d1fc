package dev.gclab.workloads;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A workload's parameters after {@link Params#check}: every declared parameter with its checked value
 * (the default when not given).
 */
public final class ParamValues {
    private final String workload;
    private final Map<String, WorkloadParam> specs;
    private final Map<String, String> values;

    ParamValues(String workload, Map<String, WorkloadParam> specs, Map<String, String> values) {
        this.workload = workload;
        this.specs = specs;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Every declared parameter and its value, in declaration order. */
    public Map<String, String> asMap() { return values; }

    /** The value of {@code name} as checked (trimmed); a keyword or a number for an {@link WorkloadParam.IntegerParam}. */
    public String string(String name) {
        String v = values.get(name);
        if (v == null) throw new IllegalArgumentException("workload " + workload + " declares no parameter '" + name + "'");
        return v;
    }

    /** True if {@code name} has the keyword {@code word} as its value. */
    public boolean is(String name, String word) { return string(name).equals(word); }

    /** The value of an integer parameter declared within {@code long}. */
    public long longValue(String name) {
        if (!(specs.get(name) instanceof WorkloadParam.IntegerParam)) {
            throw new IllegalStateException("parameter " + name + " of workload " + workload + " is not an integer");
        }
        return Long.parseLong(string(name));
    }

    /** The value of an integer parameter declared within {@code int}. */
    public int intValue(String name) {
        if (!(specs.get(name) instanceof WorkloadParam.IntegerParam p) || p.min() < Integer.MIN_VALUE || p.max() > Integer.MAX_VALUE) {
            throw new IllegalStateException("parameter " + name + " of workload " + workload + " is not declared within int");
        }
        return Integer.parseInt(string(name));
    }

    /** The value of a decimal parameter. */
    public double doubleValue(String name) {
        if (!(specs.get(name) instanceof WorkloadParam.DecimalParam)) {
            throw new IllegalStateException("parameter " + name + " of workload " + workload + " is not a decimal");
        }
        return Double.parseDouble(string(name));
    }

    @Override
    public String toString() { return workload + values; }
}
