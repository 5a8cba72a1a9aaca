package dev.triage.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Small inline SVG charts for the HTML report: no scripts, no external resources, styled by the page's CSS. */
final class ReportCharts {
    /** One line of a line chart. */
    record Series(String name, String color, List<Double> values) {}

    private static final int LEFT = 56;
    private static final int RIGHT = 16;
    private static final int TOP = 16;
    private static final int BOTTOM = 44;

    private ReportCharts() {}

    /**
     * A histogram: adjacent vertical bars with value labels above them. {@code edges} label the bar boundaries
     * ({@code values.size() + 1} of them, an empty one is skipped); {@code names} are the bars' tooltips.
     */
    static String histogram(List<String> names, List<String> edges, List<Long> values, String color, int width,
                            int height, String xTitle, String yTitle) {
        StringBuilder svg = open(width, height, yTitle + " by " + xTitle);
        long max = values.stream().mapToLong(Long::longValue).max().orElse(0);
        double top = axisTop(max);
        int plotWidth = width - LEFT - RIGHT;
        int plotHeight = height - TOP - BOTTOM;
        yAxis(svg, top, width, height, yTitle);
        double slot = (double) plotWidth / Math.max(1, values.size());
        for (int i = 0; i < values.size(); i++) {
            double x = LEFT + i * slot + 1;
            double h = values.get(i) / top * plotHeight;
            double y = TOP + plotHeight - h;
            svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"2\" fill=\"%s\">"
                            + "<title>%s: %d</title></rect>%n",
                    x, y, slot - 2, h, color, ReportHtml.escape(names.get(i)), values.get(i)));
            if (values.get(i) > 0) {
                svg.append(text(x + (slot - 2) / 2, y - 4, "middle", "value", Long.toString(values.get(i))));
            }
        }
        for (int i = 0; i < edges.size(); i++) {
            if (edges.get(i).isEmpty()) {
                continue;
            }
            double x = LEFT + i * slot;
            svg.append(String.format(Locale.ROOT,
                    "<line class=\"tick-line\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>%n",
                    x, TOP + plotHeight, x, TOP + plotHeight + 4));
            svg.append(text(x, TOP + plotHeight + 16, "middle", "tick", edges.get(i)));
        }
        svg.append(text(LEFT + plotWidth / 2.0, height - 6, "middle", "axis-title", xTitle));
        return svg.append("</svg>\n").toString();
    }

    /** Lines over x = 0, 1, 2, ... (seconds), with a legend. */
    static String lines(List<Series> series, int width, int height, String xTitle, String yTitle) {
        StringBuilder svg = open(width, height, yTitle + " over " + xTitle);
        int points = series.stream().mapToInt(s -> s.values().size()).max().orElse(0);
        double max = series.stream().flatMap(s -> s.values().stream()).mapToDouble(Double::doubleValue).max().orElse(0);
        double top = axisTop(max * 1.1); // headroom: the legend sits in the top of the plot
        int plotWidth = width - LEFT - RIGHT;
        int plotHeight = height - TOP - BOTTOM;
        yAxis(svg, top, width, height, yTitle);
        double lastX = Math.max(1, points - 1);
        double xStep = niceIntegerStep(lastX / 8);
        for (double t = 0; t <= lastX + 1e-9; t += xStep) {
            double x = LEFT + t / lastX * plotWidth;
            svg.append(String.format(Locale.ROOT,
                    "<line class=\"tick-line\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>%n",
                    x, TOP + plotHeight, x, TOP + plotHeight + 4));
            svg.append(text(x, TOP + plotHeight + 16, "middle", "tick", number(t)));
        }
        for (Series s : series) {
            List<String> coordinates = new ArrayList<>();
            for (int i = 0; i < s.values().size(); i++) {
                double x = LEFT + (points == 1 ? plotWidth / 2.0 : i / lastX * plotWidth);
                double y = TOP + plotHeight - (top == 0 ? 0 : s.values().get(i) / top * plotHeight);
                coordinates.add(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
            }
            if (coordinates.size() == 1) {
                String[] xy = coordinates.get(0).split(",");
                svg.append(String.format("<circle cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"%s\"/>%n", xy[0], xy[1],
                        s.color()));
            } else if (!coordinates.isEmpty()) {
                svg.append(String.format("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                        + "stroke-linejoin=\"round\" points=\"%s\"/>%n", s.color(), String.join(" ", coordinates)));
            }
        }
        double legendX = LEFT + 8;
        for (Series s : series) {
            svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>%n", legendX, TOP + 4,
                    s.color()));
            svg.append(text(legendX + 16, TOP + 9, "start", "legend", s.name()));
            legendX += 28 + 7 * s.name().length();
        }
        svg.append(text(LEFT + plotWidth / 2.0, height - 6, "middle", "axis-title", xTitle));
        return svg.append("</svg>\n").toString();
    }

    /**
     * Horizontal bars of fractions in [0, 1] on a 0-100 % scale, one row per name; a NaN fraction draws no bar and
     * reads "n/a". {@code notes} go to the right of each bar.
     */
    static String percentBars(List<String> names, List<Double> fractions, List<String> notes, int width) {
        int rowHeight = 30;
        int labelWidth = 110;
        int noteWidth = 150;
        int height = TOP + rowHeight * names.size() + 28;
        int plotWidth = width - labelWidth - noteWidth - RIGHT;
        StringBuilder svg = open(width, height, "accuracy by label");
        for (int i = 0; i <= 4; i++) {
            double x = labelWidth + i * plotWidth / 4.0;
            svg.append(String.format(Locale.ROOT,
                    "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>%n",
                    x, TOP - 4, x, TOP + rowHeight * names.size()));
            svg.append(text(x, TOP + rowHeight * names.size() + 16, "middle", "tick", (i * 25) + " %"));
        }
        for (int i = 0; i < names.size(); i++) {
            double y = TOP + i * rowHeight;
            double fraction = fractions.get(i);
            svg.append(text(labelWidth - 10, y + rowHeight / 2.0 + 4, "end", "label", names.get(i)));
            svg.append(String.format(Locale.ROOT,
                    "<rect class=\"track\" x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" rx=\"3\"/>%n",
                    labelWidth, y + 6, plotWidth, rowHeight - 12));
            String value = "n/a";
            if (!Double.isNaN(fraction)) {
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" rx=\"3\" fill=\"%s\"/>%n",
                        labelWidth, y + 6, fraction * plotWidth, rowHeight - 12, accuracyColor(fraction)));
                value = String.format(Locale.ROOT, "%.1f %%", fraction * 100);
            }
            svg.append(text(labelWidth + plotWidth + 10, y + rowHeight / 2.0 + 4, "start", "value-strong", value));
            svg.append(text(labelWidth + plotWidth + 66, y + rowHeight / 2.0 + 4, "start", "note", notes.get(i)));
        }
        return svg.append("</svg>\n").toString();
    }

    /** Green for good accuracy, amber for middling, red for poor. */
    static String accuracyColor(double fraction) {
        return fraction >= 0.9 ? "#2f9e6e" : fraction >= 0.7 ? "#e0a030" : "#d9534f";
    }

    private static StringBuilder open(int width, int height, String title) {
        return new StringBuilder(String.format(
                "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"100%%\" role=\"img\" "
                        + "xmlns=\"http://www.w3.org/2000/svg\"><title>%s</title>%n",
                width, height, ReportHtml.escape(title)));
    }

    /** Horizontal grid lines with tick labels, and the y-axis title. */
    private static void yAxis(StringBuilder svg, double top, int width, int height, String yTitle) {
        int plotHeight = height - TOP - BOTTOM;
        double step = top / 4;
        for (int i = 0; i <= 4; i++) {
            double y = TOP + plotHeight - i * plotHeight / 4.0;
            svg.append(String.format(Locale.ROOT,
                    "<line class=\"%s\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>%n",
                    i == 0 ? "axis" : "grid", LEFT, y, width - RIGHT, y));
            svg.append(text(LEFT - 6, y + 4, "end", "tick", number(i * step)));
        }
        svg.append(String.format(Locale.ROOT,
                "<text class=\"axis-title\" transform=\"translate(14 %.1f) rotate(-90)\" "
                        + "text-anchor=\"middle\">%s</text>%n", TOP + plotHeight / 2.0, ReportHtml.escape(yTitle)));
    }

    private static String text(double x, double y, String anchor, String cssClass, String content) {
        return String.format(Locale.ROOT, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>%n",
                cssClass, x, y, anchor, ReportHtml.escape(content));
    }

    /** The top of the y axis: 4 nice steps covering {@code max}. */
    static double axisTop(double max) {
        return max <= 0 ? 4 : 4 * niceStep(max / 4);
    }

    /** The smallest 1, 2, 2.5 or 5 times a power of ten that is at least {@code raw} (and at least 1). */
    static double niceStep(double raw) {
        if (raw <= 1) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double factor : new double[] {1, 2, 2.5, 5, 10}) {
            if (factor * magnitude >= raw - 1e-9) {
                return factor * magnitude;
            }
        }
        return 10 * magnitude;
    }

    /** Like {@link #niceStep} without 2.5, for axes of whole numbers. */
    static double niceIntegerStep(double raw) {
        double step = niceStep(raw);
        return step == 2.5 ? 5 : step;
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
