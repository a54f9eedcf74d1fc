package dev.gclab.reports.testing;

import dev.gclab.gc.spi.GcCause;
import dev.gclab.gc.verify.HeapVerificationException;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.workloads.Workload;
import dev.gclab.workloads.WorkloadContext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small seeded workload for the reports tests (registered in test resources only): allocates
 * byte arrays of random sizes and keeps a random few in a global table, so a run of default size
 * does a handful of collections in well under a second. {@code -p fail=oom|access|verify} makes it
 * fail the way a broken run does.
 */
public final class TestChurnWorkload implements Workload {
    @Override public String name() { return "testchurn"; }
    @Override public String description() { return "test-only: random byte arrays, a few kept in a global table"; }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("keep", "1024: slots of the global table of survivors");
        m.put("fail", "none: oom, access or verify to fail on purpose");
        return m;
    }

    @Override
    public void run(WorkloadContext ctx) {
        Mutator m = ctx.mutator();
        int keep = Integer.parseInt(ctx.param("keep", "1024"));
        String fail = ctx.param("fail", "none");
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
            default -> {}
        }
    }
}
