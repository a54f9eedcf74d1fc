package dev.gclab.reports.cli;

import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.workloads.Params;
import dev.gclab.workloads.SizeRange;
import dev.gclab.workloads.Workload;
import dev.gclab.workloads.WorkloadParam;
import dev.gclab.workloads.WorkloadRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code gclab list}: every registered collector and workload, one per line, with each workload's
 * sizes (at its default parameters) and parameters (default, meaning, valid values) indented below it.
 */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "List the registered collectors and workloads (with workload parameters).")
final class ListCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<CollectorProvider> collectors = CollectorRegistry.all();
        List<Workload> workloads = WorkloadRegistry.all();
        int w = Stream.concat(collectors.stream().map(CollectorProvider::name), workloads.stream().map(Workload::name))
            .mapToInt(String::length).max().orElse(0);
        String row = "%-9s  %-" + w + "s  %s%n";
        for (CollectorProvider c : collectors) out.printf(Locale.ROOT, row, "collector", c.name(), c.description());
        for (Workload wl : workloads) {
            out.printf(Locale.ROOT, row, "workload", wl.name(), wl.description());
            List<WorkloadParam> params = wl.parameters();
            SizeRange sizes = wl.sizes(Params.parse(wl, Map.of()));
            out.printf(Locale.ROOT, "%" + (13 + w) + "s--size %s: %s%n", "", sizes, sizes.reason());
            int pw = params.stream().mapToInt(p -> p.name().length()).max().orElse(0);
            for (WorkloadParam p : params) {
                out.printf(Locale.ROOT, "%" + (13 + w) + "s-p %-" + pw + "s  %s: %s; %s%n", "", p.name(), p.defaultValue(), p.description(), p.valid());
            }
        }
        if (collectors.isEmpty()) out.println("(no collectors registered)");
        if (workloads.isEmpty()) out.println("(no workloads registered)");
        out.flush();
        return 0;
    }
}
