// The Traces map page's script (the committed bundle src/Tessera.Traces/Web/Assets/map.js) at N points in headless
// chromium: time to first draw, then requestAnimationFrame deltas while the mouse pans (drags) and zooms (wheel).
// A loopback Kestrel serves the bundle, a page with the map page's elements, and a synthetic points body in the
// documented layout (docs/traces-map-points.md), so no database or sign-in is involved: it measures the browser side.
// Usage: dotnet MapBench.dll REPO_ROOT [POINTS=1000000] [SECONDS_PER_GESTURE=4]
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

var root = args.Length > 0 ? args[0] : throw new ArgumentException("usage: MapBench REPO_ROOT [POINTS] [SECONDS]");
var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
var seconds = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 4;

var bundle = await File.ReadAllBytesAsync(Path.Combine(root, "src", "Tessera.Traces", "Web", "Assets", "map.js"));
var stopwatch = Stopwatch.StartNew();
var points = SyntheticPoints.Create(count);
Console.WriteLine($"points: {count:N0}, body {points.Length / 1e6:0.0} MB, built in {stopwatch.ElapsedMilliseconds} ms");

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls("http://127.0.0.1:0");
var app = builder.Build();
app.MapGet("/", () => Results.Content(BenchPage.Html, "text/html; charset=utf-8"));
app.MapGet("/map.js", () => Results.Bytes(bundle, "text/javascript"));
app.MapGet("/points", (HttpContext c) =>
{
    c.Response.Headers.ETag = "\"bench\"";
    return c.Request.Headers.IfNoneMatch == "\"bench\"" ? Results.StatusCode(304) : Results.Bytes(points, "application/vnd.tessera.traces-points");
});
app.MapGet("/record/{seq}", (long seq) => Results.Json(new { seq, type = "thought", source_name = "bench", file_path = "run.jsonl", iteration = 0, idx_in_iteration = 0, text = "record " + seq }));
await app.StartAsync();
var address = app.Urls.First();

Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = ["--headless", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-background-networking"],
});
var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
page.PageError += (_, e) => Console.Error.WriteLine("page error: " + e);
await page.GotoAsync(address + "/");
await page.WaitForFunctionAsync("() => window.tesseraMap && window.tesseraMap.firstDrawAt !== null", null, new() { Timeout = 300_000 });
var firstDraw = await page.EvaluateAsync<double[]>("() => [window.tesseraMap.firstDrawAt, window.tesseraMap.firstDrawMs]");
Console.WriteLine($"time to first draw: {firstDraw[0]:0} ms after navigation start ({firstDraw[1]:0} ms from the points request)");
Console.WriteLine($"browser: {await page.EvaluateAsync<string>("() => { const g = document.createElement('canvas').getContext('webgl2'); const i = g.getExtension('WEBGL_debug_renderer_info'); return i ? g.getParameter(i.UNMASKED_RENDERER_WEBGL) : 'webgl2'; }")}");

Console.WriteLine($"drawn at first: {await DetailAsync()}");
var box = (await page.Locator("#map-canvas").BoundingBoxAsync())!;
var (cx, cy) = (box.X + box.Width / 2, box.Y + box.Height / 2);

await Measure("pan (drag)", async deadline =>
{
    await page.Mouse.MoveAsync(cx, cy);
    await page.Mouse.DownAsync();
    for (var i = 0; DateTime.UtcNow < deadline; i++)
        await page.Mouse.MoveAsync(cx + 200 * (float)Math.Sin(i / 10.0), cy + 120 * (float)Math.Cos(i / 13.0));
    await page.Mouse.UpAsync();
});
await Measure("zoom (wheel)", async deadline =>
{
    await page.Mouse.MoveAsync(cx + 50, cy - 30);
    for (var i = 0; DateTime.UtcNow < deadline; i++)
    {
        await page.Mouse.WheelAsync(0, (i / 15) % 2 == 0 ? -60 : 60);
        await Task.Delay(16);
    }
});

// Zoomed in on a cluster until few enough points are in view: the map draws them one by one again (lod.js).
await page.EvaluateAsync("() => { const m = window.tesseraMap, p = m.state.positions; m.deck.setProps({ initialViewState: { target: [p[0], p[1], 0], zoom: m.deck.getViewports()[0].zoom } }); }");
await page.Mouse.MoveAsync(cx, cy);
for (var i = 0; i < 40 && !await page.EvaluateAsync<bool>("() => window.tesseraMap.state.detail.kind === 'points'"); i++)
{
    await page.Mouse.WheelAsync(0, -200);
    await Task.Delay(500);
}
Console.WriteLine($"zoomed in: {await DetailAsync()}");
await Measure("pan zoomed in (drag)", async deadline =>
{
    await page.Mouse.MoveAsync(cx, cy);
    await page.Mouse.DownAsync();
    for (var i = 0; DateTime.UtcNow < deadline; i++)
        await page.Mouse.MoveAsync(cx + 200 * (float)Math.Sin(i / 10.0), cy + 120 * (float)Math.Cos(i / 13.0));
    await page.Mouse.UpAsync();
});

await app.StopAsync();

// What the map draws now (lod.js): every point, the points around the view, or a density image; and its draw budget.
Task<string> DetailAsync() => page.EvaluateAsync<string>(
    "() => { const s = window.tesseraMap.state, d = s.detail; return (d.kind === 'density' ? 'density image' : d.complete ? 'every point' : d.count.toLocaleString('en') + ' points around the view') + ', budget ' + s.budget.value.toLocaleString('en') + ' points' + (s.budget.costPerPoint === null ? '' : ' (' + (1000 * s.budget.costPerPoint).toFixed(2) + ' µs a point)'); }");

// rAF deltas (the last one runs to the end of the gesture, so a frame still being drawn counts) and the map's own
// redraws (deck.gl's onAfterRender) during the gesture.
async Task Measure(string gesture, Func<DateTime, Task> act)
{
    // A loop per gesture: the previous gesture's loop, still waiting for its last frame, stops on seeing a newer one.
    await page.EvaluateAsync("() => { const g = window.benchLoop = (window.benchLoop || 0) + 1; const d = window.benchDeltas = []; window.benchLast = performance.now(); const tick = (t) => { if (window.benchLoop !== g) return; d.push(t - window.benchLast); window.benchLast = t; requestAnimationFrame(tick); }; requestAnimationFrame(tick); }");
    var drawnBefore = await page.EvaluateAsync<int>("() => window.tesseraMap.state.drawn");
    var started = Stopwatch.StartNew();
    await act(DateTime.UtcNow.AddSeconds(seconds));
    var deltas = await page.EvaluateAsync<double[]>("() => { window.benchLoop++; return window.benchDeltas.concat([performance.now() - window.benchLast]); }");
    var drawn = await page.EvaluateAsync<int>("() => window.tesseraMap.state.drawn") - drawnBefore;
    var elapsed = started.Elapsed.TotalSeconds;
    Array.Sort(deltas);
    double At(double q) => deltas[Math.Min(deltas.Length - 1, Math.Max(0, (int)Math.Ceiling(q * deltas.Length) - 1))];
    Console.WriteLine($"{gesture}: {elapsed:0.0} s, {deltas.Length} frames, {drawn} map redraws ({drawn / elapsed:0.0}/s); " +
        $"frame time median {At(0.5):0.0} ms, p95 {At(0.95):0.0} ms, max {deltas[^1]:0.0} ms; now {await DetailAsync()}");
}

/// <summary>N points in 40 Gaussian clusters, 4 types, 3 sources, a run per 50 points, in the points layout 1.</summary>
internal static class SyntheticPoints
{
    public static byte[] Create(int n)
    {
        var random = new Random(15);
        var dictionary = Encoding.UTF8.GetBytes(
            "{\"types\":[\"thought\",\"action\",\"observation\",\"final_answer\"],\"sources\":[" +
            string.Join(',', Enumerable.Range(0, 3).Select(i => $"{{\"id\":\"{new Guid(i + 1, 0, 0, new byte[8])}\",\"name\":\"source {i}\"}}")) + "],\"runs\":[" +
            string.Join(',', Enumerable.Range(0, (n + 49) / 50).Select(i => $"{{\"source\":{i % 3},\"file_path\":\"run{i}.jsonl\"}}")) + "]}");
        var body = new byte[64 + 20 * n + dictionary.Length];
        var s = body.AsSpan();
        Encoding.ASCII.GetBytes("TRPT", s);
        BinaryPrimitives.WriteUInt16LittleEndian(s[4..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(s[6..], 64);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], (uint)n);
        BinaryPrimitives.WriteInt32LittleEndian(s[12..], 1);
        var centres = Enumerable.Range(0, 40).Select(_ => (X: random.NextDouble() * 20 - 10, Y: random.NextDouble() * 20 - 10)).ToArray();
        float minX = float.MaxValue, maxX = float.MinValue, minY = float.MaxValue, maxY = float.MinValue;
        for (var i = 0; i < n; i++)
        {
            var c = centres[random.Next(centres.Length)];
            var x = (float)(c.X + Gaussian(random)); var y = (float)(c.Y + Gaussian(random));
            (minX, maxX, minY, maxY) = (Math.Min(minX, x), Math.Max(maxX, x), Math.Min(minY, y), Math.Max(maxY, y));
            BinaryPrimitives.WriteSingleLittleEndian(s[(64 + 4 * i)..], x);
            BinaryPrimitives.WriteSingleLittleEndian(s[(64 + 4 * n + 4 * i)..], y);
            BinaryPrimitives.WriteUInt16LittleEndian(s[(64 + 8 * n + 2 * i)..], (ushort)(i % 4));
            BinaryPrimitives.WriteUInt16LittleEndian(s[(64 + 10 * n + 2 * i)..], (ushort)(i / 50 % 3));
            BinaryPrimitives.WriteUInt32LittleEndian(s[(64 + 12 * n + 4 * i)..], (uint)(i / 50));
            BinaryPrimitives.WriteUInt32LittleEndian(s[(64 + 16 * n + 4 * i)..], (uint)i);
        }
        BinaryPrimitives.WriteSingleLittleEndian(s[16..], minX);
        BinaryPrimitives.WriteSingleLittleEndian(s[20..], maxX);
        BinaryPrimitives.WriteSingleLittleEndian(s[24..], minY);
        BinaryPrimitives.WriteSingleLittleEndian(s[28..], maxY);
        BinaryPrimitives.WriteDoubleLittleEndian(s[32..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(s[40..], (uint)dictionary.Length);
        dictionary.CopyTo(s[(64 + 20 * n)..]);
        return body;
    }

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble()) * 0.6;
}

/// <summary>The elements the map script uses, as on /traces (src/Tessera.Traces/Web/MapPage.razor), pointed at the bench's routes.</summary>
internal static class BenchPage
{
    public const string Html = """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>map bench</title>
        <style>#map-canvas-box{position:relative;width:900px;height:640px}#map-canvas{width:100%;height:100%}#map-overlay{position:absolute;inset:0;pointer-events:none}</style></head>
        <body><div id="map-app" data-points-url="/points" data-record-url="/record/" data-export-url="/export" data-search-url="/search" data-run-url="/run">
        <input type="hidden" name="__RequestVerificationToken" value="bench">
        <select id="map-colour"><option value="type">type</option><option value="cluster">cluster</option></select>
        <input type="radio" name="map-mode" value="panZoom" checked><input type="radio" name="map-mode" value="box">
        <form id="map-search"><input id="map-search-query"></form>
        <span id="map-selection"></span><button id="map-export-csv"></button><button id="map-export-jsonl"></button>
        <p id="map-status"></p>
        <div id="map-canvas-box"><canvas id="map-canvas"></canvas><svg id="map-overlay"><rect id="map-box" visibility="hidden"/></svg></div>
        <div id="map-hover"></div><ul id="map-legend"></ul><ol id="map-results"></ol></div>
        <script src="/map.js" defer></script></body></html>
        """;
}
