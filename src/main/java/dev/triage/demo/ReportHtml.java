package dev.triage.demo;

import dev.triage.avro.DeadLetterStage;
import dev.triage.avro.DecisionReason;
import dev.triage.avro.Modality;
import dev.triage.demo.DemoSummary.ActionSummary;
import dev.triage.demo.DemoSummary.ConfusionMatrix;
import dev.triage.demo.DemoSummary.Counts;
import dev.triage.demo.DemoSummary.DecisionExample;
import dev.triage.demo.DemoSummary.Decisions;
import dev.triage.demo.DemoSummary.ErrorCount;
import dev.triage.demo.DemoSummary.HistogramBucket;
import dev.triage.demo.DemoSummary.Latency;
import dev.triage.demo.DemoSummary.PolicySeen;
import dev.triage.demo.DemoSummary.Ratio;
import dev.triage.demo.DemoSummary.Summary;
import dev.triage.demo.DemoSummary.TimelineSecond;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The self-contained {@code report.html}: inline CSS and SVG, no scripts, no fonts or anything else to fetch. */
final class ReportHtml {
    private static final String PREDICTED_COLOR = "#3b6fd8";
    private static final String SENT_COLOR = "#9aa5b1";
    private static final String DEAD_COLOR = "#d9534f";
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final String CSS = """
            :root { --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; --bg: #f5f7fa; --card: #ffffff;
                    --ok: #2f9e6e; --bad: #d9534f; --accent: #3b6fd8; }
            * { box-sizing: border-box; }
            body { margin: 0; background: var(--bg); color: var(--ink);
                   font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
            main { max-width: 1120px; margin: 0 auto; padding: 28px 24px 48px; }
            header { display: flex; align-items: baseline; justify-content: space-between; flex-wrap: wrap;
                     gap: 8px 24px; margin-bottom: 20px; }
            h1 { font-size: 24px; margin: 0; font-weight: 650; letter-spacing: -0.01em; }
            h2 { font-size: 15px; margin: 0 0 12px; font-weight: 620; }
            .subtitle { color: var(--muted); margin-top: 4px; }
            .badge { display: inline-block; padding: 5px 12px; border-radius: 999px; font-weight: 600; font-size: 13px; }
            .badge.ok { background: #e3f4ec; color: #1d6b49; }
            .badge.bad { background: #fbe6e5; color: #a3322f; }
            .kpis { display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; margin-bottom: 16px; }
            .kpi { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
            .kpi .name { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
            .kpi .value { font-size: 22px; font-weight: 650; margin-top: 2px; font-variant-numeric: tabular-nums;
                          white-space: nowrap; }
            .kpi .unit { font-size: 13px; font-weight: 500; color: var(--muted); margin-left: 2px; }
            .kpi .detail { color: var(--muted); font-size: 12px; }
            .grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; margin-bottom: 16px; }
            .card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px;
                    margin-bottom: 16px; min-width: 0; }
            .grid2 .card { margin-bottom: 0; }
            .note { color: var(--muted); font-size: 12px; margin: 8px 0 0; }
            table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
            th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
            th { color: var(--muted); font-weight: 600; font-size: 12px; }
            td.num, th.num { text-align: right; }
            tr:last-child td { border-bottom: none; }
            td.msg { color: var(--muted); font-size: 12px; word-break: break-word; }
            table.settings td:first-child { width: 32%; }
            code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
            .confusion { width: auto; margin-top: 4px; }
            .confusion th, .confusion td { border: none; }
            .confusion td.cell { width: 96px; height: 52px; text-align: center; vertical-align: middle;
                                 border: 2px solid var(--card); border-radius: 6px; }
            .confusion .count { font-weight: 650; font-size: 15px; }
            .confusion .share { font-size: 11px; opacity: 0.8; }
            .confusion th.col { text-align: center; }
            .confusion th.row { text-align: right; color: var(--ink); vertical-align: middle; padding-right: 12px; }
            .confusion .axis { color: var(--muted); font-size: 11px; text-transform: uppercase;
                               letter-spacing: 0.05em; text-align: center; }
            .chart { display: block; }
            .chart text { font-size: 11px; fill: var(--muted); }
            .chart text.value { fill: var(--ink); font-size: 10px; }
            .chart text.value-strong { fill: var(--ink); font-weight: 600; font-size: 12px; }
            .chart text.label { fill: var(--ink); font-size: 13px; }
            .chart text.legend { fill: var(--ink); }
            .chart text.axis-title { font-size: 11px; fill: var(--muted); }
            .chart .grid { stroke: var(--line); stroke-width: 1; }
            .chart .axis, .chart .tick-line { stroke: #9aa5b1; stroke-width: 1; }
            .chart .track { fill: #eef1f5; }
            .stat-row { display: flex; gap: 18px; flex-wrap: wrap; margin-top: 8px; color: var(--muted); font-size: 12px; }
            .stat-row b { color: var(--ink); font-variant-numeric: tabular-nums; }
            .action { display: inline-block; padding: 1px 8px; border-radius: 999px; font-weight: 600; font-size: 12px; }
            .action.ALLOW { background: #e3f4ec; color: #1d6b49; }
            .action.REVIEW { background: #fdf1d8; color: #8a5a00; }
            .action.BLOCK { background: #fbe6e5; color: #a3322f; }
            .ok-text { color: var(--ok); font-weight: 600; } .bad-text { color: var(--bad); font-weight: 600; }
            @media (max-width: 900px) { .kpis { grid-template-columns: repeat(3, 1fr); } .grid2 { grid-template-columns: 1fr; } }
            """;

    private ReportHtml() {}

    static String render(Summary summary, Map<String, ?> settings) {
        StringBuilder html = new StringBuilder(32_768);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Triage demo report</title>\n<style>\n").append(CSS).append("</style>\n</head>\n")
                .append("<body>\n<main>\n");
        header(html, summary);
        kpis(html, summary);
        html.append("<div class=\"grid2\">\n");
        latencyCard(html, summary);
        throughputCard(html, summary);
        html.append("</div>\n<div class=\"grid2\">\n");
        confusionCard(html, summary.confusion());
        accuracyCard(html, summary);
        html.append("</div>\n<div class=\"grid2\">\n");
        countsCard(html, summary);
        deadLetterCard(html, summary);
        html.append("</div>\n");
        decisionsCard(html, summary.decisions());
        settingsCard(html, settings);
        return html.append("</main>\n</body>\n</html>\n").toString();
    }

    private static void header(StringBuilder html, Summary summary) {
        html.append("<header>\n<div>\n<h1>Triage demo report</h1>\n<div class=\"subtitle\">");
        if (summary.counts().postsSent() > 0) {
            html.append("Run started ").append(TIME.format(Instant.ofEpochMilli(summary.startedAtMs())))
                    .append(" &middot; lasted ").append(ReportWriter.seconds(summary.durationMs()));
        } else {
            html.append("No posts were sent");
        }
        html.append("</div>\n</div>\n");
        Counts c = summary.counts();
        if (summary.everyPostAccountedFor()) {
            html.append("<span class=\"badge ok\">&#10003; Every post accounted for</span>\n");
        } else {
            html.append("<span class=\"badge bad\">&#10007; ").append(c.postsSent() - c.postsAccounted())
                    .append(" of ").append(c.postsSent()).append(" posts not accounted for</span>\n");
        }
        html.append("</header>\n");
    }

    private static void kpis(StringBuilder html, Summary summary) {
        Counts c = summary.counts();
        Latency latency = summary.latency();
        html.append("<section class=\"kpis\">\n");
        kpi(html, "Posts sent", Long.toString(c.postsSent()),
                c.eventsSent() + " events, " + c.badEventsSent() + " bad");
        kpi(html, "Predictions", Long.toString(c.predictions()), c.validPosts() + " expected");
        kpi(html, "Dead letters", Long.toString(c.deadLetters()), c.badEventsSent() + " expected");
        kpi(html, "Accuracy", summary.accuracy().defined()
                        ? String.format(Locale.ROOT, "%.1f", summary.accuracy().value() * 100) : "n/a",
                summary.accuracy().defined() ? "%" : "",
                summary.accuracy().correct() + " / " + summary.accuracy().total() + " posts");
        kpi(html, "Latency p50 / p99", latency.count() == 0 ? "n/a" : latency.p50() + " / " + latency.p99(),
                latency.count() == 0 ? "" : "ms", latency.count() == 0 ? "" : "max " + latency.max() + " ms");
        kpi(html, "Throughput", String.format(Locale.ROOT, "%.1f", summary.throughputPostsPerSecond()), "posts/s",
                "predictions per second");
        html.append("</section>\n");
    }

    private static void kpi(StringBuilder html, String name, String value, String detail) {
        kpi(html, name, value, "", detail);
    }

    private static void kpi(StringBuilder html, String name, String value, String unit, String detail) {
        html.append("<div class=\"kpi\"><div class=\"name\">").append(escape(name))
                .append("</div><div class=\"value\">").append(escape(value));
        if (!unit.isEmpty()) {
            html.append("<span class=\"unit\">").append(escape(unit)).append("</span>");
        }
        html.append("</div><div class=\"detail\">").append(escape(detail)).append("</div></div>\n");
    }

    private static void latencyCard(StringBuilder html, Summary summary) {
        List<String> names = new ArrayList<>();
        List<String> edges = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        edges.add("0");
        for (HistogramBucket bucket : summary.latencyHistogram()) {
            names.add(bucketName(bucket));
            edges.add(bucket.toMs() == Long.MAX_VALUE ? "" : shortMs(bucket.toMs()));
            counts.add(bucket.count());
        }
        Latency l = summary.latency();
        html.append("<section class=\"card\">\n<h2>Latency: last event sent to prediction read</h2>\n")
                .append(ReportCharts.histogram(names, edges, counts, PREDICTED_COLOR, 520, 250, "latency (ms)",
                        "posts"))
                .append("<div class=\"stat-row\">");
        stat(html, "p50", l.p50() + " ms");
        stat(html, "p95", l.p95() + " ms");
        stat(html, "p99", l.p99() + " ms");
        stat(html, "max", l.max() + " ms");
        stat(html, "mean", String.format(Locale.ROOT, "%.1f ms", l.mean()));
        html.append("</div>\n</section>\n");
    }

    /** E.g. "20-50 ms", "1s-2s", "at least 10s". */
    static String bucketName(HistogramBucket bucket) {
        if (bucket.toMs() == Long.MAX_VALUE) {
            return "at least " + shortMs(bucket.fromMs()) + (bucket.fromMs() < 1000 ? " ms" : "");
        }
        return shortMs(bucket.fromMs()) + "-" + shortMs(bucket.toMs()) + (bucket.toMs() <= 1000 ? " ms" : "");
    }

    private static String shortMs(long ms) {
        return ms >= 1000 && ms % 1000 == 0 ? ms / 1000 + "s" : Long.toString(ms);
    }

    private static void throughputCard(StringBuilder html, Summary summary) {
        List<Double> sent = new ArrayList<>();
        List<Double> predicted = new ArrayList<>();
        List<Double> dead = new ArrayList<>();
        List<TimelineSecond> timeline = summary.timeline();
        // The last second is usually cut short: show it as a rate, not a count, so the lines do not dive at the end.
        long lastMs = summary.durationMs() % 1000 + 1;
        for (TimelineSecond second : timeline) {
            double scale = second.second() == timeline.size() - 1 ? 1000.0 / Math.max(lastMs, 250) : 1;
            sent.add(second.sent() * scale);
            predicted.add(second.predicted() * scale);
            dead.add(second.deadLettered() * scale);
        }
        html.append("<section class=\"card\">\n<h2>Throughput over time</h2>\n")
                .append(ReportCharts.lines(List.of(
                        new ReportCharts.Series("predicted", PREDICTED_COLOR, predicted),
                        new ReportCharts.Series("sent", SENT_COLOR, sent),
                        new ReportCharts.Series("dead letters", DEAD_COLOR, dead)),
                        520, 250, "seconds since the first post", "per second"))
                .append("<div class=\"stat-row\">");
        stat(html, "average", String.format(Locale.ROOT, "%.1f posts/s", summary.throughputPostsPerSecond()));
        stat(html, "peak", summary.timeline().stream().mapToLong(TimelineSecond::predicted).max().orElse(0)
                + " posts/s");
        stat(html, "duration", ReportWriter.seconds(summary.durationMs()));
        html.append("</div>\n</section>\n");
    }

    private static void stat(StringBuilder html, String name, String value) {
        html.append("<span>").append(escape(name)).append(" <b>").append(escape(value)).append("</b></span>");
    }

    private static void confusionCard(StringBuilder html, ConfusionMatrix matrix) {
        List<String> labels = matrix.labels();
        html.append("<section class=\"card\">\n<h2>Confusion matrix</h2>\n<table class=\"confusion\">\n")
                .append("<tr><th></th><th class=\"axis\" colspan=\"").append(labels.size())
                .append("\">predicted</th></tr>\n<tr><th class=\"axis\">true</th>");
        for (String label : labels) {
            html.append("<th class=\"col\">").append(escape(label)).append("</th>");
        }
        html.append("</tr>\n");
        for (int row = 0; row < labels.size(); row++) {
            long total = matrix.rowTotal(row);
            html.append("<tr><th class=\"row\">").append(escape(labels.get(row))).append("</th>");
            for (int column = 0; column < labels.size(); column++) {
                long count = matrix.count(row, column);
                double share = total == 0 ? 0 : (double) count / total;
                html.append("<td class=\"cell\" style=\"").append(cellStyle(share, row == column)).append("\">")
                        .append("<div class=\"count\">").append(count).append("</div><div class=\"share\">")
                        .append(total == 0 ? "&nbsp;" : String.format(Locale.ROOT, "%.0f%%", share * 100))
                        .append("</div></td>");
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n<p class=\"note\">Rows are true labels, columns predicted labels; shading is the share "
                + "of the row (green on the diagonal, red off it).</p>\n</section>\n");
    }

    /** Background blended from white towards green (diagonal) or red, by the cell's share of its row. */
    static String cellStyle(double share, boolean diagonal) {
        int[] base = diagonal ? new int[] {47, 158, 110} : new int[] {217, 83, 79};
        double strength = share == 0 ? 0 : 0.12 + 0.88 * share;
        int r = (int) Math.round(255 + (base[0] - 255) * strength);
        int g = (int) Math.round(255 + (base[1] - 255) * strength);
        int b = (int) Math.round(255 + (base[2] - 255) * strength);
        String ink = strength > 0.55 ? "#ffffff" : "#1f2933";
        String background = share == 0 ? "#f5f7fa" : String.format("#%02x%02x%02x", r, g, b);
        return "background:" + background + ";color:" + ink;
    }

    private static void accuracyCard(StringBuilder html, Summary summary) {
        List<String> names = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        summary.accuracyByLabel().forEach((label, ratio) -> add(names, values, notes, label, ratio));
        add(names, values, notes, "all posts", summary.accuracy());
        add(names, values, notes, "complete", summary.accuracyComplete());
        add(names, values, notes, "partial", summary.accuracyPartial());
        html.append("<section class=\"card\">\n<h2>Accuracy</h2>\n")
                .append(ReportCharts.percentBars(names, values, notes, 520))
                .append("<p class=\"note\">First prediction of each post with a valid event. Complete: the model saw "
                        + "text, image and audio; partial: fewer (not sent, bad, or not joined in time).</p>\n")
                .append("</section>\n");
    }

    private static void add(List<String> names, List<Double> values, List<String> notes, String name, Ratio ratio) {
        names.add(name);
        values.add(ratio.value());
        notes.add(ratio.correct() + " / " + ratio.total());
    }

    private static void countsCard(StringBuilder html, Summary summary) {
        Counts c = summary.counts();
        html.append("<section class=\"card\">\n<h2>Counts</h2>\n<table>\n");
        row(html, "Posts sent", c.postsSent(), "complete " + c.completePosts() + ", with a valid event "
                + c.validPosts());
        row(html, "Events sent", c.eventsSent(), c.badEventsSent() + " deliberately bad");
        row(html, "Predictions", c.predictions(), "");
        row(html, "Dead letters", c.deadLetters(), "");
        rowFlag(html, "Posts accounted for", c.postsAccounted(), c.postsAccounted() == c.postsSent(),
                "exactly one prediction, one dead letter per bad event");
        rowFlag(html, "Posts missing an outcome", c.postsMissing(), c.postsMissing() == 0, "");
        rowFlag(html, "Posts duplicated", c.postsDuplicated(), c.postsDuplicated() == 0, "");
        rowFlag(html, "Posts with unexpected dead letters", c.postsUnexpectedDeadLetters(),
                c.postsUnexpectedDeadLetters() == 0, "a valid event failed");
        rowFlag(html, "Stray predictions", c.strayPredictions(), c.strayPredictions() == 0, "unknown post");
        rowFlag(html, "Stray dead letters", c.strayDeadLetters(), c.strayDeadLetters() == 0, "unknown post");
        row(html, "Predictions missing a modality", c.predictionsMissingModalities(),
                "model saw fewer modalities than were sent");
        html.append("</table>\n</section>\n");
    }

    private static void row(StringBuilder html, String name, long value, String note) {
        html.append("<tr><td>").append(escape(name)).append("</td><td class=\"num\">").append(value)
                .append("</td><td class=\"msg\">").append(escape(note)).append("</td></tr>\n");
    }

    private static void rowFlag(StringBuilder html, String name, long value, boolean ok, String note) {
        html.append("<tr><td>").append(escape(name)).append("</td><td class=\"num ")
                .append(ok ? "ok-text" : "bad-text").append("\">").append(value)
                .append("</td><td class=\"msg\">").append(escape(note)).append("</td></tr>\n");
    }

    private static void deadLetterCard(StringBuilder html, Summary summary) {
        html.append("<section class=\"card\">\n<h2>Dead letters</h2>\n");
        if (summary.counts().deadLetters() == 0 && summary.badEventsByKind().isEmpty()) {
            html.append("<p class=\"note\">No dead letters, and no bad events were sent.</p>\n</section>\n");
            return;
        }
        html.append("<table>\n<tr><th>Stage</th><th class=\"num\">Dead letters</th></tr>\n");
        for (Map.Entry<DeadLetterStage, Long> stage : summary.deadLettersByStage().entrySet()) {
            html.append("<tr><td><code>").append(stage.getKey()).append("</code></td><td class=\"num\">")
                    .append(stage.getValue()).append("</td></tr>\n");
        }
        html.append("</table>\n");
        if (!summary.deadLetterErrors().isEmpty()) {
            html.append("<table style=\"margin-top:14px\">\n<tr><th>Stage</th><th>Error</th>"
                    + "<th class=\"num\">Count</th></tr>\n");
            for (ErrorCount error : summary.deadLetterErrors()) {
                html.append("<tr><td><code>").append(error.stage()).append("</code></td><td><code>")
                        .append(escape(simpleName(error.errorClass()))).append("</code><div class=\"msg note\">")
                        .append(escape(abbreviate(error.sampleMessage(), 160))).append("</div></td><td class=\"num\">")
                        .append(error.count()).append("</td></tr>\n");
            }
            html.append("</table>\n");
        }
        if (!summary.badEventsByKind().isEmpty()) {
            html.append("<table style=\"margin-top:14px\">\n<tr><th>Bad event sent</th>"
                    + "<th class=\"num\">Count</th></tr>\n");
            summary.badEventsByKind().forEach((kind, count) -> html.append("<tr><td>").append(escape(kind))
                    .append("</td><td class=\"num\">").append(count).append("</td></tr>\n"));
            html.append("</table>\n");
        }
        html.append("</section>\n");
    }

    private static void decisionsCard(StringBuilder html, Decisions decisions) {
        html.append("<section class=\"card\">\n<h2>Decisions</h2>\n");
        if (decisions == null) {
            html.append("<p class=\"note\">No policy: the predictions carried no decision.</p>\n</section>\n");
            return;
        }
        List<String> policies = new ArrayList<>();
        for (PolicySeen policy : decisions.policies()) {
            policies.add("<code>" + escape(policy.name()) + "</code> v" + escape(policy.version())
                    + " <span class=\"msg\">" + escape(abbreviate(policy.hash(), 20)) + "</span>");
        }
        html.append("<p class=\"note\" style=\"margin:0 0 10px\">Policy ").append(String.join(" + ", policies))
                .append(" &middot; ").append(decisions.decided()).append(" posts decided");
        if (decisions.undecided() > 0) {
            html.append(", ").append(decisions.undecided()).append(" without a decision");
        }
        html.append("</p>\n");

        List<String> triggering = List.copyOf(decisions.actions().values().iterator().next()
                .byTriggeringLabel().keySet());
        html.append("<table>\n<tr><th>Action</th><th class=\"num\">Posts</th>");
        for (String label : triggering) {
            html.append("<th class=\"num\">").append(escape(label)).append("</th>");
        }
        html.append("<th>Reason</th><th>Driven by</th></tr>\n");
        for (ActionSummary a : decisions.actions().values()) {
            html.append("<tr><td><span class=\"action ").append(a.action()).append("\">").append(a.action())
                    .append("</span></td><td class=\"num\">").append(a.count()).append("</td>");
            for (String label : triggering) {
                html.append("<td class=\"num\">").append(a.byTriggeringLabel().get(label)).append("</td>");
            }
            List<String> reasons = new ArrayList<>();
            for (Map.Entry<DecisionReason, Long> reason : a.byReason().entrySet()) {
                if (reason.getValue() > 0) {
                    reasons.add("<code>" + reason.getKey() + "</code> " + reason.getValue());
                }
            }
            List<String> drivers = new ArrayList<>();
            for (Map.Entry<Modality, Long> driver : a.drivenBy().entrySet()) {
                if (driver.getValue() > 0) {
                    drivers.add(driver.getKey() + " " + driver.getValue());
                }
            }
            if (a.drivenByNone() > 0) {
                drivers.add("none " + a.drivenByNone());
            }
            html.append("<td class=\"msg\">").append(String.join(", ", reasons)).append("</td><td class=\"msg\">")
                    .append(escape(String.join(", ", drivers))).append("</td></tr>\n");
        }
        html.append("</table>\n<p class=\"note\">Label columns: how often each label's threshold triggered the "
                + "action (a post may count for several). Driven by: the present modality whose removal lowers the "
                + "deciding label's score the most.</p>\n");

        html.append("<table style=\"margin-top:14px\">\n<tr><th>Action</th><th>Post</th><th>True / predicted</th>"
                + "<th>Deciding label</th><th>Why</th><th>Modalities (score change each brings)</th></tr>\n");
        boolean any = false;
        for (ActionSummary a : decisions.actions().values()) {
            for (DecisionExample e : a.examples()) {
                any = true;
                html.append("<tr><td><span class=\"action ").append(a.action()).append("\">").append(a.action())
                        .append("</span></td><td><code>").append(escape(e.correlationId())).append("</code></td><td>")
                        .append(escape(e.trueLabel())).append(" / ").append(escape(e.predictedLabel()))
                        .append("</td><td>").append(escape(e.decidingLabel())).append(' ')
                        .append(ReportWriter.score(e.decidingScore())).append("</td><td><code>").append(e.reason())
                        .append("</code>");
                if (!e.triggeredBy().isEmpty()) {
                    html.append(" by ").append(escape(String.join(", ", e.triggeredBy())));
                }
                html.append("<div class=\"msg\">").append(escape(ReportWriter.drivenBy(e)))
                        .append("</div></td><td class=\"msg\">").append(escape(ReportWriter.deltas(e)))
                        .append("</td></tr>\n");
            }
        }
        if (!any) {
            html.append("<tr><td colspan=\"6\" class=\"msg\">No examples.</td></tr>\n");
        }
        html.append("</table>\n<p class=\"note\">The first ").append(DemoSummary.EXAMPLES_PER_ACTION)
                .append(" posts of each action, in sending order. Each modality's change is the deciding label's "
                        + "score minus its score with that modality masked out.</p>\n</section>\n");
    }

    private static void settingsCard(StringBuilder html, Map<String, ?> settings) {
        if (settings.isEmpty()) {
            return;
        }
        html.append("<section class=\"card\">\n<h2>Settings</h2>\n<table class=\"settings\">\n");
        settings.forEach((key, value) -> html.append("<tr><td><code>").append(escape(key))
                .append("</code></td><td>").append(escape(String.valueOf(value))).append("</td></tr>\n"));
        html.append("</table>\n</section>\n");
    }

    static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "\u2026";
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
