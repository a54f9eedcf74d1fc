package dev.gclab.workloads;

import dev.gclab.gc.spi.UnknownNameException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/** The registered workloads, found with {@link ServiceLoader}. */
public final class WorkloadRegistry {
    private WorkloadRegistry() {}

    public static List<Workload> all() {
        List<Workload> list = new ArrayList<>();
        ServiceLoader.load(Workload.class).forEach(list::add);
        list.sort(Comparator.comparing(Workload::name));
        return list;
    }

    public static String names() {
        StringBuilder sb = new StringBuilder();
        for (Workload w : all()) sb.append(sb.isEmpty() ? "" : ", ").append(w.name());
        return sb.toString();
    }

    /** The workload called {@code name}; an unknown name is an error that lists the valid ones. */
    public static Workload byName(String name) {
        for (Workload w : all()) if (w.name().equals(name)) return w;
        throw new UnknownNameException("workload", name, names());
    }
}
