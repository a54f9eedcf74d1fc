package dev.gclab.reports.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * A small SVG plotting kit for the report: a chart is a plot area with an x and a y scale (linear or
 * base-10 logarithmic), axes with ticks and labels, a grid, series drawn as polylines (solid, dashed or
 * dotted) with optional markers and error bars, tick marks along the x axis (a rug), and a legend at the
 * right. The output is one {@code <svg>} element with explicit width, height and viewBox, so the browser
 * lays it out without scripts and it scales down with the page. All text is HTML-escaped.
 *
 * <p>Hand-written rather than a charting library: the four kinds of chart the report draws need about
 * this much code, the SVG stays small (a few kB per chart: a polyline per series, coordinates rounded to
 * 0.1 px) and reads in any browser, and the report takes no dependency that renders through AWT.
 */
final class Svg {
    static final int WIDTH = 760, HEIGHT = 380;
    static final int LEFT = 72, RIGHT = 210, TOP = 24, BOTTOM = 52;
    /** Series colours (Okabe–Ito, distinguishable with colour-blindness), in order of first appearance. */
    static final String[] COLOURS = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"};

    enum Line { SOLID, DASHED, DOTTED }

    /** An axis: its range, log or linear, and how tick values are written. */
    record Axis(double min, double max, boolean log, String title, DoubleFunction<String> format, double[] ticks) {
        double fraction(double v) {
            if (log) return (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
            return (v - min) / (max - min);
        }
    }

    record Point(double x, double y) {}

    record Series(String name, String colour, Line line, List<Point> points, boolean markers) {}

    private final String title;
    private final Axis x, y;
    private final StringBuilder body = new StringBuilder();
    private final List<String[]> legend = new ArrayList<>(); // name, colour, line

    Svg(String title, Axis x, Axis y) {
        this.title = title;
        this.x = x;
        this.y = y;
    }

    double px(double v) { return LEFT + clamp(x.fraction(v)) * (WIDTH - LEFT - RIGHT); }

    double py(double v) { return HEIGHT - BOTTOM - clamp(y.fraction(v)) * (HEIGHT - TOP - BOTTOM); }

    private static double clamp(double f) { return Double.isNaN(f) ? 0 : Math.max(0, Math.min(1, f)); }

    static String n(double v) { return String.format(Locale.ROOT, "%.1f", v); }

    /** A series as a polyline (points outside the axes are clamped to the plot area's edge). */
    Svg series(Series s) {
        if (s.points().isEmpty()) return this;
        StringBuilder pts = new StringBuilder();
        for (Point p : s.points()) pts.append(n(px(p.x()))).append(',').append(n(py(p.y()))).append(' ');
        body.append("<polyline class=\"series\" fill=\"none\" stroke=\"").append(s.colour()).append("\" stroke-width=\"2\"")
            .append(dash(s.line())).append(" points=\"").append(pts.toString().strip()).append("\"/>\n");
        if (s.markers() || s.points().size() == 1) {
            for (Point p : s.points()) {
                body.append("<circle cx=\"").append(n(px(p.x()))).append("\" cy=\"").append(n(py(p.y())))
                    .append("\" r=\"3.5\" fill=\"").append(s.colour()).append("\"/>\n");
            }
        }
        legend.add(new String[] {s.name(), s.colour(), s.line().name()});
        return this;
    }

    /** A vertical error bar from {@code lo} to {@code hi} at {@code xv}. */
    Svg errorBar(double xv, double lo, double hi, String colour) {
        double cx = px(xv);
        body.append("<path stroke=\"").append(colour).append("\" stroke-width=\"1.2\" d=\"M").append(n(cx)).append(',').append(n(py(lo)))
            .append("V").append(n(py(hi))).append("M").append(n(cx - 4)).append(',').append(n(py(lo))).append("h8M").append(n(cx - 4))
            .append(',').append(n(py(hi))).append("h8\"/>\n");
        return this;
    }

    /** A cross on the x axis at {@code xv} (a point that has no value: the run did not complete). */
    Svg missing(double xv, int row, String colour, String tooltip) {
        double cx = px(xv), cy = HEIGHT - BOTTOM - 8 - 12 * row;
        body.append("<path stroke=\"").append(colour).append("\" stroke-width=\"2\" d=\"M").append(n(cx - 5)).append(',').append(n(cy - 5))
            .append("l10,10M").append(n(cx - 5)).append(',').append(n(cy + 5)).append("l10,-10\"><title>").append(Html.esc(tooltip))
            .append("</title></path>\n");
        return this;
    }

    /** Short ticks just above the x axis, one per distinct pixel column, in row {@code row} (0, 1, ...). */
    Svg rug(double[] xs, int row, String colour, String name) {
        if (xs.length == 0) return this;
        StringBuilder d = new StringBuilder();
        double last = Double.NaN;
        double[] sorted = xs.clone();
        java.util.Arrays.sort(sorted);
        double base = HEIGHT - BOTTOM - 2 - 9 * row;
        for (double v : sorted) {
            double cx = Math.round(px(v) * 2) / 2.0;
            if (cx == last) continue;
            last = cx;
            d.append('M').append(n(cx)).append(',').append(n(base)).append("v-7");
        }
        body.append("<path class=\"rug\" stroke=\"").append(colour).append("\" stroke-width=\"1\" d=\"").append(d).append("\"/>\n");
        legend.add(new String[] {name, colour, "RUG"});
        return this;
    }

    private static String dash(Line l) {
        return switch (l) {
            case SOLID -> "";
            case DASHED -> " stroke-dasharray=\"7 4\"";
            case DOTTED -> " stroke-dasharray=\"2 3\"";
        };
    }

    /** The whole {@code <svg>} element; {@code id} names it for the page and its tests. */
    String render(String id) {
        StringBuilder sb = new StringBuilder();
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"").append(Html.esc(id)).append("\" width=\"").append(WIDTH)
            .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
            .append("\" role=\"img\" aria-label=\"").append(Html.esc(title)).append("\">\n");
        sb.append("<title>").append(Html.esc(title)).append("</title>\n");
        sb.append("<rect x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" fill=\"#fff\"/>\n");
        int x0 = LEFT, x1 = WIDTH - RIGHT, y0 = HEIGHT - BOTTOM, y1 = TOP;
        // grid and ticks
        StringBuilder grid = new StringBuilder(), labels = new StringBuilder();
        for (double t : x.ticks()) {
            if (t < x.min() || t > x.max()) continue;
            double cx = px(t);
            grid.append("M").append(n(cx)).append(',').append(y0).append("V").append(y1);
            labels.append("<text x=\"").append(n(cx)).append("\" y=\"").append(y0 + 16).append("\" text-anchor=\"middle\">")
                .append(Html.esc(x.format().apply(t))).append("</text>\n");
        }
        for (double t : y.ticks()) {
            if (t < y.min() || t > y.max()) continue;
            double cy = py(t);
            grid.append("M").append(x0).append(',').append(n(cy)).append("H").append(x1);
            labels.append("<text x=\"").append(x0 - 6).append("\" y=\"").append(n(cy + 4)).append("\" text-anchor=\"end\">")
                .append(Html.esc(y.format().apply(t))).append("</text>\n");
        }
        sb.append("<path class=\"grid\" stroke=\"#e3e3e3\" stroke-width=\"1\" d=\"").append(grid).append("\"/>\n");
        sb.append("<path class=\"axes\" stroke=\"#333\" stroke-width=\"1\" fill=\"none\" d=\"M").append(x0).append(',').append(y1)
            .append("V").append(y0).append("H").append(x1).append("\"/>\n");
        sb.append("<g class=\"ticks\" font-size=\"11\" fill=\"#333\">\n").append(labels).append("</g>\n");
        sb.append("<text class=\"axis-title\" x=\"").append((x0 + x1) / 2).append("\" y=\"").append(HEIGHT - 12)
            .append("\" text-anchor=\"middle\" font-size=\"12\">").append(Html.esc(x.title())).append("</text>\n");
        sb.append("<text class=\"axis-title\" transform=\"translate(16,").append((y0 + y1) / 2).append(") rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">")
            .append(Html.esc(y.title())).append("</text>\n");
        sb.append("<g clip-path=\"none\">\n").append(body).append("</g>\n");
        // legend
        int ly = TOP + 4;
        sb.append("<g class=\"legend\" font-size=\"12\">\n");
        for (String[] l : legend) {
            int lx = x1 + 16;
            if (l[2].equals("RUG")) {
                sb.append("<path stroke=\"").append(l[1]).append("\" d=\"M").append(lx + 4).append(',').append(ly + 4).append("v-8M")
                    .append(lx + 9).append(',').append(ly + 4).append("v-8M").append(lx + 14).append(',').append(ly + 4).append("v-8\"/>");
            } else {
                sb.append("<line x1=\"").append(lx).append("\" y1=\"").append(ly).append("\" x2=\"").append(lx + 22).append("\" y2=\"").append(ly)
                    .append("\" stroke=\"").append(l[1]).append("\" stroke-width=\"2\"").append(dash(Line.valueOf(l[2]))).append("/>");
            }
            sb.append("<text x=\"").append(lx + 28).append("\" y=\"").append(ly + 4).append("\">").append(Html.esc(l[0])).append("</text>\n");
            ly += 18;
        }
        sb.append("</g>\n</svg>");
        return sb.toString();
    }

    /** Decade ticks 10^k covering [min, max]. */
    static double[] decades(double min, double max) {
        List<Double> t = new ArrayList<>();
        for (int k = (int) Math.floor(Math.log10(min)); k <= (int) Math.ceil(Math.log10(max)); k++) t.add(Math.pow(10, k));
        return t.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** About {@code count} round linear ticks (1, 2, 5 × 10^k steps) covering [min, max]. */
    static double[] linear(double min, double max, int count) {
        double span = max - min;
        if (!(span > 0)) return new double[] {min};
        double raw = span / count;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
        List<Double> t = new ArrayList<>();
        for (double v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) t.add(Math.abs(v) < step * 1e-9 ? 0 : v);
        return t.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * The largest binary unit (1, KiB, MiB, GiB) not above {@code max}, so that byte axes get round ticks
     * in that unit (0, 50, 100, 150 KiB) rather than in bytes.
     */
    static double byteUnit(double max) {
        double unit = 1;
        while (max / (unit * 1024) >= 1 && unit < Math.pow(1024, 4)) unit *= 1024;
        return unit;
    }

    /** A round upper bound for a byte axis: {@link #niceCeil} in the axis's binary unit. */
    static double niceBytes(double max) {
        double unit = byteUnit(max);
        return niceCeil(max / unit) * unit;
    }

    /** About {@code count} round ticks of a byte axis from 0 to {@code max}, in its binary unit. */
    static double[] byteTicks(double max, int count) {
        double unit = byteUnit(max);
        double[] t = linear(0, max / unit, count);
        for (int i = 0; i < t.length; i++) t[i] *= unit;
        return t;
    }

    /** A "nice" upper bound: the smallest 1, 2 or 5 × 10^k at or above {@code v}. */
    static double niceCeil(double v) {
        if (!(v > 0)) return 1;
        double mag = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) if (m * mag >= v * (1 - 1e-12)) return m * mag;
        return 10 * mag;
    }
}
