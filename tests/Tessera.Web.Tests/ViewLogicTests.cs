using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Jobs;
using Tessera.Omics.Storage;
using Tessera.Omics.Web;
using Tessera.Omics.Web.Charts;
using Tessera.Web.Components;
using Tessera.Web.Session;
using Tessera.Web.Shell;

namespace Tessera.Web.Tests;

/// <summary>The logic the pages and components hold, without a browser.</summary>
public class ViewLogicTests
{
    private static readonly DateTimeOffset Created = new(2026, 12, 5, 7, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("/omics/runs/1?x=2", "/omics/runs/1?x=2")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("javascript:alert(1)", "/")]
    [InlineData("/jobs\r\nSet-Cookie: x", "/")]
    public void Sign_in_returns_only_to_addresses_on_this_site(string? returnUrl, string expected) =>
        Assert.Equal(expected, WebPaths.LocalOrHome(returnUrl));

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/omics", "/omics")]
    [InlineData("/omics/runs/abc", "/omics")]
    [InlineData("/omics/compare", "/omics/compare")]
    [InlineData("/omicsx", null)]
    [InlineData("/jobs/123", "/jobs")]
    public void The_current_navigation_link_is_the_longest_that_contains_the_page(string path, string? expected) =>
        Assert.Equal(expected, NavigationMatch.Current(path, ["/", "/omics", "/omics/search", "/omics/compare", "/jobs"]));

    [Theory]
    [InlineData(JobState.Queued, false, true, false)]
    [InlineData(JobState.Running, false, true, false)]
    [InlineData(JobState.Running, true, false, false)]
    [InlineData(JobState.Failed, false, false, true)]
    [InlineData(JobState.Succeeded, false, false, false)]
    [InlineData(JobState.Cancelled, false, false, false)]
    public void Jobs_offer_cancel_until_they_end_and_retry_only_when_failed(JobState state, bool cancelRequested, bool canCancel, bool canRetry)
    {
        var job = Job(state) with { CancelRequested = cancelRequested };
        Assert.Equal(canCancel, JobView.CanCancel(job));
        Assert.Equal(canRetry, JobView.CanRetry(job));
    }

    [Fact]
    public void Job_progress_and_timings_read_as_people_expect()
    {
        Assert.Equal(0.25, JobView.Fraction(new JobProgress(25, 100, null)));
        Assert.Equal(1.0, JobView.Fraction(new JobProgress(120, 100, null)));
        Assert.Null(JobView.Fraction(new JobProgress(5, null, null)));
        Assert.Equal("25 of 100 · embedding", JobView.ProgressText(new JobProgress(25, 100, "embedding")));
        Assert.Equal("", JobView.ProgressText(new JobProgress(0, null, null)));

        var running = Job(JobState.Running) with { StartedAt = Created.AddSeconds(2) };
        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(8)), JobView.Timings(running, Created.AddSeconds(10)));
        var queued = Job(JobState.Queued);
        Assert.Equal((TimeSpan.FromSeconds(10), null), JobView.Timings(queued, Created.AddSeconds(10)));
        Assert.Equal("2 min 5 s", TimeText.Duration(TimeSpan.FromSeconds(125)));
        Assert.Equal("350 ms", TimeText.Duration(TimeSpan.FromMilliseconds(350)));
        Assert.True(JobView.AnyLive([Job(JobState.Succeeded), queued]));
        Assert.False(JobView.AnyLive([Job(JobState.Succeeded)]));
    }

    [Fact]
    public void Job_action_buttons_name_a_verb_and_a_job()
    {
        var id = Guid.CreateVersion7();
        Assert.Equal((JobAction.Retry, id), JobAction.Parse($"retry:{id}"));
        Assert.Throws<Tessera.Core.Errors.TesseraException>(() => JobAction.Parse($"delete:{id}"));
        Assert.Throws<Tessera.Core.Errors.TesseraException>(() => JobAction.Parse("cancel:not-a-guid"));
    }

    [Fact]
    public void Chart_scales_map_values_onto_the_axis_and_a_flat_range_onto_its_middle()
    {
        var scale = ChartScale.Of([-2, 0, 6], 200, 0);
        Assert.Equal(200, scale[-2]);
        Assert.Equal(0, scale[6]);
        Assert.Equal(150, scale[0]);
        Assert.Equal(50, ChartScale.Of([3, 3], 0, 100)[3]);
    }

    [Fact]
    public void The_parse_report_lists_rejected_records_with_their_lines()
    {
        var run = new OmicsRun { ErrorReport = """[{"record_number":3,"line":7,"code":"INVALID_RESIDUE","message":"bad"}]""" };
        var rejected = Assert.Single(RunView.RejectedRecords(run));
        Assert.Equal((3, 7, "INVALID_RESIDUE"), (rejected.RecordNumber, rejected.Line, rejected.Code));
        Assert.Empty(RunView.RejectedRecords(new OmicsRun()));
        Assert.False(RunView.IsSettled(new OmicsRun { State = OmicsRunStates.Parsed }));
        Assert.True(RunView.IsSettled(new OmicsRun { State = OmicsRunStates.Failed }));
    }

    [Fact]
    public async Task A_problem_is_shown_in_words_with_its_code_as_an_alert()
    {
        var html = await RenderAsync<ProblemMessage>(new Dictionary<string, object?>
        {
            ["Problem"] = new ShownProblem("RUN_NOT_EMBEDDED", 409, "Run 1 has no embeddings yet <script>."),
        });
        Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
        Assert.Contains("RUN_NOT_EMBEDDED", html, StringComparison.Ordinal);
        Assert.Contains("Not possible right now", html, StringComparison.Ordinal);
        Assert.Contains("Run 1 has no embeddings yet &lt;script&gt;.", html, StringComparison.Ordinal);
        Assert.Equal("", (await RenderAsync<ProblemMessage>(new Dictionary<string, object?> { ["Problem"] = null })).Trim());
    }

    [Fact]
    public async Task A_bar_chart_draws_negative_values_below_the_zero_line()
    {
        var html = await RenderAsync<BarChart>(new Dictionary<string, object?>
        {
            ["Title"] = "t",
            ["Bars"] = new List<ChartBar> { new("up", 2), new("down", -2) },
        });
        var rects = System.Text.RegularExpressions.Regex.Matches(html, "<rect x=\"[^\"]+\" y=\"([^\"]+)\" width=\"[^\"]+\" height=\"([^\"]+)\"");
        Assert.Equal(2, rects.Count);
        var (upY, upHeight) = (double.Parse(rects[0].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), double.Parse(rects[0].Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        var downY = double.Parse(rects[1].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(upY + upHeight, downY, 1);
    }

    private static async Task<string> RenderAsync<TComponent>(Dictionary<string, object?> parameters) where TComponent : IComponent
    {
        await using var services = new ServiceCollection().BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, NullLoggerFactory.Instance);
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters))).ToHtmlString());
    }

    private static JobInfo Job(JobState state) => new()
    {
        Id = Guid.CreateVersion7(), Kind = "system.noop", KindVersion = 1, OwnerUserId = Guid.Empty, OwnerOrgId = Guid.Empty, State = state,
        Priority = 0, RunAt = Created, InputSignature = "", Attempts = 0, MaxAttempts = 3, Progress = new JobProgress(0, null, null),
        CreatedAt = Created, UpdatedAt = Created, Input = new JsonObject(),
    };
}
