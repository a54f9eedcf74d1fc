package dev.gclab.reports.testing;

import dev.gclab.gc.spi.GcCause;
import dev.gclab.gc.verify.HeapVerificationException;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.workloads.ParamValues;
import dev.gclab.workloads.Params;
import dev.gclab.workloads.SizeRange;
import dev.gclab.workloads.Workload;
import dev.gclab.workloads.WorkloadContext;
import dev.gclab.workloads.WorkloadParam;
import dev.gclab.workloads.WorkloadParam.ChoiceParam;
import dev.gclab.workloads.WorkloadParam.IntegerParam;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A small seeded workload for the reports tests (registered in test resources only): allocates
 * byte arrays of random sizes and keeps a random few in a global table, so a run of default size
 * does a handful of collections in well under a second. {@code -p fail=oom|access|verify} makes it
 * fail the way a broken run does; {@code fail=argument} throws an {@link IllegalArgumentException}
 * after allocating (a failure of the run, not a usage error); {@code fail=error} an {@link AssertionError}
 * (an Error of the program: reported like any failure) and {@code fail=vmerror} an {@link InternalError}
 * (a VirtualMachineError: gclab lets the JVM report it).
 */
public final class TestChurnWorkload implements Workload {
    @Override public String name() { return "testchurn"; }
    @Override public String description() { return "test-only: random byte arrays, a few kept in a global table"; }

    @Override
    public List<WorkloadParam> parameters() {
        return List.of(IntegerParam.of("keep", 1, 1 << 20, 1024, "slots of the global table of survivors"),
            new ChoiceParam("fail", List.of("none", "oom", "access", "verify", "argument", "error", "vmerror"), "none", "fail on purpose"));
    }

    @Override
    public SizeRange sizes(ParamValues params) { return new SizeRange(0, 1000, "100000 × size allocations"); }

    @Override
    public void run(WorkloadContext ctx) {
        Mutator m = ctx.mutator();
        ParamValues p = Params.check(this, ctx.size(), ctx.params());
        int keep = p.intValue("keep");
        String fail = p.string("fail");
        SplittableRandom random = new SplittableRandom(ctx.seed());
        int table = m.global("testchurn.table");
        m.setGlobal(table, m.allocateArray(LayoutRegistry.REF_ARRAY, keep));
        int node = m.layouts().fixed("testchurn.node", "rd");
        int chain = m.global("testchurn.chain");
        int n = (int) (100_000 * ctx.size());
        ctx.log().accept("testchurn: " + n + " allocations");
        for (int i = 0; i < n; i++) {
            long obj = m.allocateArray(LayoutRegistry.BYTE_ARRAY, 16 + random.nextInt(496));
            if (random.nextInt(8) == 0) m.setRef(m.getGlobal(table), random.nextInt(keep), obj);
            if (fail.equals("oom")) {
                long link = m.allocate(node);
                m.setRef(link, 0, m.getGlobal(chain));
                m.setGlobal(chain, link);
            }
        }
        switch (fail) {
            case "access" -> {
                long lost = m.allocate(node);  // not rooted: the collection frees it
                ctx.collector().collect(GcCause.EXPLICIT);
                m.getLong(lost, 0);
            }
            case "verify" -> throw new HeapVerificationException("after collection 1 (test)", List.of("object 0x1000 survived unreachable"), 1);
            case "error" -> throw new AssertionError("testchurn: a broken invariant (test)");
            case "vmerror" -> throw new InternalError("testchurn: an error of the JVM itself (test)");
            case "argument" -> throw new IllegalArgumentException("testchurn: a bad argument found late (test)");
            default -> {}
        }
    }
}
