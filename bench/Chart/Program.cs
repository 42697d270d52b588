// Draws the benchmark charts from the JSON that bench/run.ps1 writes in the same run.
//
//   Chart <input.json> <scaling.png> <throttled.png>
//
// input.json:
//   {"scaling":{"panels":[{"title","series":[{"name","points":[{"users","seconds"}]}]}]},
//    "throttled":{"title","rate","series":[{"name","times":[completion seconds...]}]}}
// Only measured points are in the file; the chart draws nothing it was not given (the dashed
// rate line of the throttled chart is users / rate, the reference the tables use).
using System.Text.Json;
using ScottPlot;
using ScottPlot.TickGenerators;

if (args.Length != 3) { Console.Error.WriteLine("usage: Chart <input.json> <scaling.png> <throttled.png>"); return 2; }
var input = JsonSerializer.Deserialize<ChartInput>(File.ReadAllText(args[0]), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })
    ?? throw new InvalidDataException("Empty chart input.");

var palette = new ScottPlot.Palettes.Category10();
var names = input.Scaling.Panels.SelectMany(p => p.Series).Select(s => s.Name)
    .Concat(input.Throttled.Series.Select(s => s.Name)).Distinct().ToList();
Color ColorOf(string name) => palette.GetColor(names.IndexOf(name));

// Time against users, log-log, one panel per latency.
var multiplot = new Multiplot();
multiplot.AddPlots(input.Scaling.Panels.Count);
for (var i = 0; i < input.Scaling.Panels.Count; i++)
{
    var panel = input.Scaling.Panels[i];
    var plot = multiplot.GetPlot(i);
    foreach (var series in panel.Series.Where(s => s.Points.Count > 0))
    {
        var xs = series.Points.Select(p => Math.Log10(p.Users)).ToArray();
        var ys = series.Points.Select(p => Math.Log10(Math.Max(p.Seconds, 1e-4))).ToArray();
        var scatter = plot.Add.Scatter(xs, ys, ColorOf(series.Name));
        scatter.LegendText = series.Name;
        scatter.MarkerSize = 6;
        scatter.LineWidth = 1.5f;
    }
    plot.Title(panel.Title, size: 14);
    plot.XLabel("users (log)");
    plot.YLabel("seconds (log)");
    plot.Axes.Bottom.TickGenerator = LogTicks();
    plot.Axes.Left.TickGenerator = LogTicks();
    // Time grows with users, so the lower right corner is where the lines are not.
    plot.Legend.FontSize = 10;
    plot.Legend.Alignment = Alignment.LowerRight;
    plot.ShowLegend();
    var points = panel.Series.SelectMany(s => s.Points).ToList();
    if (points.Count > 0)
    {
        plot.Axes.SetLimitsX(Math.Log10(points.Min(p => p.Users)) - 0.2, Math.Log10(points.Max(p => p.Users)) + 0.2);
        var low = Math.Log10(Math.Max(points.Min(p => p.Seconds), 1e-4));
        var high = Math.Log10(Math.Max(points.Max(p => p.Seconds), 1e-4));
        // Room below the lowest point for the legend.
        plot.Axes.SetLimitsY(low - 0.35 * (high - low) - 0.3, high + 0.2);
    }
}
multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
multiplot.SavePng(args[1], 520 * Math.Max(1, input.Scaling.Panels.Count), 520);

// Throughput over time under the token bucket: users revoked so far, per tool (the slope is the
// throughput); the dashed line is a client that uses every token (rate x time).
var throttled = new Plot();
var total = 0.0;
var drawn = 0;
foreach (var series in input.Throttled.Series)
{
    if (series.Times.Count == 0) continue;
    var times = series.Times.OrderBy(t => t).ToList();
    var xs = new List<double> { 0 };
    var ys = new List<double> { 0 };
    for (var i = 0; i < times.Count; i++) { xs.Add(times[i]); ys.Add(i + 1); }
    var line = throttled.Add.ScatterLine(xs.ToArray(), ys.ToArray(), ColorOf(series.Name));
    line.ConnectStyle = ConnectStyle.StepHorizontal;
    // Lines drawn first are wider, so a tool whose line another one covers still shows.
    line.LineWidth = Math.Max(1.5f, 6f - 0.7f * drawn++);
    line.LegendText = $"{series.Name} ({times.Count} in {times[^1]:0.0} s)";
    total = Math.Max(total, times.Count);
}
if (input.Throttled.Rate > 0 && total > 0)
{
    var end = total / input.Throttled.Rate;
    var limit = throttled.Add.ScatterLine(new[] { 0.0, end }, new[] { 0.0, total }, Colors.Black);
    limit.LinePattern = LinePattern.Dashed;
    limit.LegendText = $"every token used: {input.Throttled.Rate}/s";
}
throttled.Title(input.Throttled.Title, size: 14);
throttled.XLabel("seconds since the run started");
throttled.YLabel("users revoked so far");
throttled.Legend.FontSize = 10;
throttled.Legend.Alignment = Alignment.LowerRight;
throttled.ShowLegend();
throttled.SavePng(args[2], 1100, 520);
Console.WriteLine($"Wrote {args[1]} and {args[2]}");
return 0;

static NumericAutomatic LogTicks() => new()
{
    MinorTickGenerator = new LogMinorTickGenerator(),
    IntegerTicksOnly = true,
    LabelFormatter = v => Math.Pow(10, v) is var x && x >= 1 ? x.ToString("N0") : x.ToString("0.####"),
};

sealed record ChartInput(Scaling Scaling, Throttled Throttled);
sealed record Scaling(List<Panel> Panels);
sealed record Panel(string Title, List<Series> Series);
sealed record Series(string Name, List<Point> Points);
sealed record Point(double Users, double Seconds);
sealed record Throttled(string Title, double Rate, List<TimeSeries> Series);
sealed record TimeSeries(string Name, List<double> Times);
