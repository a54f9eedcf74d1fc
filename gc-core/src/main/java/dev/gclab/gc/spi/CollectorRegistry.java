package dev.gclab.gc.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/** The registered collectors, found with {@link ServiceLoader}. */
public final class CollectorRegistry {
    private CollectorRegistry() {}

    /** All registered collectors, by name. */
    public static List<CollectorProvider> all() {
        List<CollectorProvider> list = new ArrayList<>();
        ServiceLoader.load(CollectorProvider.class).forEach(list::add);
        list.sort(Comparator.comparing(CollectorProvider::name));
        return list;
    }

    /** The names of all registered collectors, comma-separated. */
    public static String names() {
        StringBuilder sb = new StringBuilder();
        for (CollectorProvider p : all()) sb.append(sb.isEmpty() ? "" : ", ").append(p.name());
        return sb.toString();
    }

    /** The collector called {@code name}; an unknown name is an error that lists the valid ones. */
    public static CollectorProvider byName(String name) {
        for (CollectorProvider p : all()) if (p.name().equals(name)) return p;
        throw new UnknownNameException("collector", name, names());
    }
}
