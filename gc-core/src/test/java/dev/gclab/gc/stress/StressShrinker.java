package dev.gclab.gc.stress;

import dev.gclab.gc.stress.StressOps.Churn;
import dev.gclab.gc.stress.StressOps.Op;
import dev.gclab.gc.stress.StressRun.Program;
import dev.gclab.gc.stress.StressRun.Result;

import java.util.ArrayList;
import java.util.List;

/**
 * Shrinks a failing program while it keeps failing with the same kind of violation: delta
 * debugging (ddmin) over the top-level operations, then over each nested action list (what
 * finalizers, callbacks and cleanups do), then smaller churn counts. Every candidate is replayed
 * from scratch on a fresh heap; operations whose objects no longer exist are skipped by the run,
 * so every candidate is a valid program.
 */
final class StressShrinker {
    private final StressConfig config;
    private final String kind;
    private final int budget;
    private int replays;
    private Result best;

    private StressShrinker(StressConfig config, String kind, int budget) {
        this.config = config;
        this.kind = kind;
        this.budget = budget;
    }

    /** The smallest failing program found within {@code budget} replays, with its result. */
    static Shrunk shrink(StressConfig config, Result failing, int budget) {
        StressShrinker s = new StressShrinker(config, failing.violation().kind, budget);
        s.best = failing;
        Program p = failing.program();
        // Nothing after the failing operation matters (the run stops there).
        if (failing.failedAt() >= 0 && failing.failedAt() + 1 < p.ops().size()) {
            Program cut = new Program(p.seed(), p.tuning(), List.copyOf(p.ops().subList(0, failing.failedAt() + 1)));
            if (s.fails(cut)) p = cut;
        }
        List<Op> ops = p.ops();
        for (int round = 0; round < 3; round++) {
            int before = StressOps.countDeep(ops);
            ops = s.ddmin(ops, p);
            ops = s.shrinkNested(ops, p);
            ops = s.shrinkChurn(ops, p);
            if (StressOps.countDeep(ops) == before || s.replays >= budget) break;
        }
        return new Shrunk(s.best, s.replays);
    }

    record Shrunk(Result result, int replays) {}

    private boolean fails(Program candidate) {
        if (replays >= budget) return false;
        replays++;
        Result r = StressRun.replay(config, candidate);
        if (r.failed() && r.violation().kind.equals(kind)) {
            if (StressOps.countDeep(candidate.ops()) <= StressOps.countDeep(best.program().ops())) best = r;
            return true;
        }
        return false;
    }

    private boolean fails(List<Op> ops, Program p) { return fails(new Program(p.seed(), p.tuning(), ops)); }

    /** Zeller's ddmin on the top-level list. */
    private List<Op> ddmin(List<Op> ops, Program p) {
        int n = 2;
        while (ops.size() >= 2 && replays < budget) {
            int chunk = (ops.size() + n - 1) / n;
            boolean reduced = false;
            for (int start = 0; start < ops.size(); start += chunk) {
                List<Op> candidate = new ArrayList<>(ops.subList(0, start));
                candidate.addAll(ops.subList(Math.min(ops.size(), start + chunk), ops.size()));
                if (fails(candidate, p)) {
                    ops = candidate;
                    n = Math.max(n - 1, 2);
                    reduced = true;
                    break;
                }
            }
            if (!reduced) {
                if (n >= ops.size()) break;
                n = Math.min(ops.size(), n * 2);
            }
        }
        if (ops.size() == 1 && fails(List.of(), p)) return List.of();
        return ops;
    }

    /** For each operation carrying actions: drop whole lists (to empty), then single actions, recursively. */
    private List<Op> shrinkNested(List<Op> ops, Program p) {
        List<Op> cur = new ArrayList<>(ops);
        for (int i = 0; i < cur.size() && replays < budget; i++) {
            List<List<Op>> lists = StressOps.nested(cur.get(i));
            for (int k = 0; k < lists.size(); k++) {
                List<Op> l = lists.get(k);
                if (l == null || l.isEmpty()) continue;
                final int at = i, which = k;
                List<Op> shrunk = shrinkList(l, list -> {
                    List<Op> c = new ArrayList<>(cur);
                    c.set(at, StressOps.withNested(cur.get(at), which, list));
                    return c;
                }, p);
                cur.set(i, StressOps.withNested(cur.get(i), k, shrunk));
            }
        }
        return cur;
    }

    /** Shrinks one nested list (embedded in the program by {@code embed}): empty, then one action at a time, then inside each. */
    private List<Op> shrinkList(List<Op> list, java.util.function.Function<List<Op>, List<Op>> embed, Program p) {
        if (fails(embed.apply(List.of()), p)) return List.of();
        List<Op> cur = new ArrayList<>(list);
        for (int j = cur.size() - 1; j >= 0 && replays < budget; j--) {
            List<Op> c = new ArrayList<>(cur);
            c.remove(j);
            if (fails(embed.apply(c), p)) cur = c;
        }
        for (int j = 0; j < cur.size() && replays < budget; j++) {
            List<List<Op>> lists = StressOps.nested(cur.get(j));
            for (int k = 0; k < lists.size(); k++) {
                List<Op> l = lists.get(k);
                if (l == null || l.isEmpty()) continue;
                final int at = j, which = k;
                final List<Op> base = cur;
                List<Op> shrunk = shrinkList(l, inner -> {
                    List<Op> c = new ArrayList<>(base);
                    c.set(at, StressOps.withNested(base.get(at), which, inner));
                    return embed.apply(c);
                }, p);
                cur.set(j, StressOps.withNested(cur.get(j), k, shrunk));
            }
        }
        return cur;
    }

    /** Halves churn counts while the program still fails. */
    private List<Op> shrinkChurn(List<Op> ops, Program p) {
        List<Op> cur = ops;
        for (int round = 0; round < 8 && replays < budget; round++) {
            List<Op> halved = StressOps.mapDeep(cur, op -> op instanceof Churn c && c.count() > 1 ? new Churn(Math.max(1, c.count() / 2), c.shape(), c.mode()) : op);
            if (halved.equals(cur) || !fails(halved, p)) break;
            cur = halved;
        }
        return cur;
    }
}
