package dev.gclab.workloads.graph;

import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.Mutator;
import dev.gclab.workloads.ParamValues;
import dev.gclab.workloads.Params;
import dev.gclab.workloads.SizeRange;
import dev.gclab.workloads.Workload;
import dev.gclab.workloads.WorkloadContext;
import dev.gclab.workloads.WorkloadParam;
import dev.gclab.workloads.WorkloadParam.ChoiceParam;
import dev.gclab.workloads.WorkloadParam.IntegerParam;

import java.util.Arrays;
import java.util.List;

/**
 * The {@code graph} workload: builds one portable graph shape ({@link GraphShapes}) of
 * N = round(1,000,000 * size) nodes, runs {@code reps} explicit full collections with the graph in
 * place (the collector's cost on the identical graph the anchors measure), then drops the root and
 * collects once more (the cost of freeing it).
 */
public final class GraphWorkload implements Workload {
    static final String NAME = "graph";
    private static final int FULL_N = 1_000_000;
    /** N = round(FULL_N × size) must be in [1, Integer.MAX_VALUE]. */
    static final SizeRange SIZES = new SizeRange(1.0 / FULL_N, (double) Integer.MAX_VALUE / FULL_N,
        "the graph has N = round(" + FULL_N + " × size) nodes, 1 .. " + Integer.MAX_VALUE);
    /** random and local hold their nodes in one root ref[], which must fit a chunk. */
    static final SizeRange ROOT_ARRAY_SIZES = new SizeRange(1.0 / FULL_N, (double) GraphShapes.MAX_ROOT_ARRAY_NODES / FULL_N,
        "shapes random and local hold their N = round(" + FULL_N + " × size) nodes in one ref[], 1 .. " + GraphShapes.MAX_ROOT_ARRAY_NODES);
    private static final List<WorkloadParam> PARAMS = List.of(
        new ChoiceParam("shape", Arrays.stream(Shape.values()).map(Shape::label).toList(), "random", "the graph's shape"),
        IntegerParam.of("reps", 0, 1_000_000, 3, "explicit full collections with the graph built"),
        new IntegerParam("graph_seed", Long.MIN_VALUE, Long.MAX_VALUE, List.of("run"), Long.toString(GraphShapes.DEFAULT_SEED),
            "LCG seed of the graph (the anchors' graph); 'run' uses the run's --seed"));

    @Override public String name() { return NAME; }

    @Override
    public String description() {
        return "one of the portable graph shapes (random, tree, rings, ...), collected 'reps' times, then dropped and collected";
    }

    @Override
    public List<WorkloadParam> parameters() { return PARAMS; }

    @Override
    public SizeRange sizes(ParamValues params) {
        Shape shape = Shape.parse(params.string("shape"));
        return shape == Shape.RANDOM || shape == Shape.LOCAL ? ROOT_ARRAY_SIZES : SIZES;
    }

    @Override
    public void run(WorkloadContext ctx) {
        ParamValues p = Params.check(this, ctx.size(), ctx.params());
        Shape shape = Shape.parse(p.string("shape"));
        int reps = p.intValue("reps");
        int n = (int) Math.round(FULL_N * ctx.size());
        Mutator m = ctx.mutator();
        long t0 = System.nanoTime();
        long graphSeed = p.is("graph_seed", "run") ? ctx.seed() : p.longValue("graph_seed");
        long objects = GraphShapes.build(m, shape, n, graphSeed);
        long t1 = System.nanoTime();
        ctx.log().accept(String.format("graph: shape %s, N %,d, %,d objects (%s), seed %d, built in %.1f ms; %d collections",
            shape, n, objects, shape.isLive() ? "live" : "garbage", graphSeed, (t1 - t0) / 1e6, reps));
        for (int r = 0; r < reps; r++) ctx.collector().collect(GcCause.EXPLICIT);
        GraphShapes.dropRoot(m);
        ctx.collector().collect(GcCause.EXPLICIT);
    }
}
