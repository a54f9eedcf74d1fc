package dev.gclab.workloads.graph;

import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.Mutator;
import dev.gclab.workloads.Params;
import dev.gclab.workloads.Workload;
import dev.gclab.workloads.WorkloadContext;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code graph} workload: builds one portable graph shape ({@link GraphShapes}) of
 * N = round(1,000,000 * size) nodes, runs {@code reps} explicit full collections with the graph in
 * place (the collector's cost on the identical graph the anchors measure), then drops the root and
 * collects once more (the cost of freeing it).
 */
public final class GraphWorkload implements Workload {
    static final String NAME = "graph";
    private static final int FULL_N = 1_000_000;

    @Override public String name() { return NAME; }

    @Override
    public String description() {
        return "one of the portable graph shapes (random, tree, rings, ...), collected 'reps' times, then dropped and collected";
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("shape", "random: one of " + Shape.names());
        p.put("reps", "3: explicit full collections with the graph built");
        p.put("graph_seed", GraphShapes.DEFAULT_SEED + ": LCG seed of the graph (the anchors' graph); 'run' uses the run's --seed");
        return p;
    }

    @Override
    public void run(WorkloadContext ctx) {
        Params.requireKnown(NAME, ctx.params(), parameters().keySet());
        Shape shape = Shape.parse(ctx.param("shape", "random"));
        int reps = Params.intParam(NAME, ctx.params(), "reps", 3, 0, 1_000_000);
        long nodes = Math.round(FULL_N * ctx.size());
        if (nodes < 1 || nodes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("graph: size " + ctx.size() + " gives N = " + nodes + " nodes; N must be in [1, " + Integer.MAX_VALUE + "]");
        }
        int n = (int) nodes;
        Mutator m = ctx.mutator();
        long t0 = System.nanoTime();
        String gs = ctx.param("graph_seed", Long.toString(GraphShapes.DEFAULT_SEED));
        long graphSeed;
        try {
            graphSeed = gs.equals("run") ? ctx.seed() : Long.parseLong(gs);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("graph: graph_seed must be a number or 'run', not '" + gs + "'");
        }
        long objects = GraphShapes.build(m, shape, n, graphSeed);
        long t1 = System.nanoTime();
        ctx.log().accept(String.format("graph: shape %s, N %,d, %,d objects (%s), seed %d, built in %.1f ms; %d collections",
            shape, n, objects, shape.isLive() ? "live" : "garbage", graphSeed, (t1 - t0) / 1e6, reps));
        for (int r = 0; r < reps; r++) ctx.collector().collect(GcCause.EXPLICIT);
        GraphShapes.dropRoot(m);
        ctx.collector().collect(GcCause.EXPLICIT);
    }
}
