package dev.cachet.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's charts, drawn to PNG without a display. Both axes that span local and remote contenders are
 * logarithmic: a Caffeine read and a Redis round trip differ by three orders of magnitude.
 */
final class Charts {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 560;
    /** Percentiles up to 99.999%: beyond that a phase of a few seconds holds too few calls to say anything. */
    private static final double LAST_PERCENTILE = 99.999;

    private Charts() {
    }

    /** Bars of throughput per contender (categories), one bar per series (such as the client count). */
    static void throughput(Path file, String title, Map<String, Map<String, Double>> opsBySeriesThenContender) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        opsBySeriesThenContender.forEach((series, byContender) -> byContender.forEach((contender, ops) -> data.addValue(ops, series,
                contender)));
        LogAxis axis = logAxis("calls per second (log scale)", 100);
        CategoryAxis contenders = new CategoryAxis();
        contenders.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        CategoryPlot plot = new CategoryPlot(data, contenders, axis, renderer);
        plot.setOrientation(PlotOrientation.VERTICAL);
        style(plot);
        save(file, new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true));
    }

    /**
     * Latency against percentile for each contender: the x axis is {@code 1 / (1 - percentile)}, so that 90%,
     * 99% and 99.9% are evenly spaced, as in HdrHistogram's own plots.
     */
    static void latency(Path file, String title, Map<String, Histogram> nanosByContender) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        nanosByContender.forEach((contender, histogram) -> {
            XYSeries series = new XYSeries(contender);
            for (HistogramIterationValue value : histogram.percentiles(5)) {
                double percentile = value.getPercentileLevelIteratedTo();
                if (percentile > LAST_PERCENTILE) {
                    break;
                }
                series.add(1 / (1 - percentile / 100), Math.max(0.01, value.getValueIteratedTo() / 1e3));
            }
            data.addSeries(series);
        });
        LogAxis percentiles = logAxis("percentile (1 = 0%, 10 = 90%, 100 = 99%, 1,000 = 99.9%)", 1);
        LogAxis micros = logAxis("latency, microseconds (log scale)", 0.01);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        XYPlot plot = new XYPlot(data, percentiles, micros, renderer);
        style(plot);
        save(file, new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true));
    }

    /** A base-10 axis with a tick at each power of ten, labelled as plain numbers (1,000, not 10^3). */
    private static LogAxis logAxis(String label, double smallest) {
        LogAxis axis = new LogAxis(label);
        axis.setSmallestValue(smallest);
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setNumberFormatOverride(new DecimalFormat("#,##0.##", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        return axis;
    }

    private static void style(Plot plot) {
        plot.setBackgroundPaint(Color.WHITE);
    }

    private static void save(Path file, JFreeChart chart) throws IOException {
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }
}
