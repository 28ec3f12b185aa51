using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Chem.Executions;
using Tessera.Chem.Storage;
using Tessera.Chem.Tests.Docking;
using Tessera.Data;
using Tessera.Testing;

namespace Tessera.Chem.Tests.Organizations;

/// <summary>
/// A quick docking (ethanol in a 12 Å box of 1iep) with real Open Babel and Vina: its events in order with timings,
/// each tool's output kept as a log with a signed link that downloads without a token, fails when tampered with and
/// after it expires; the CPU seconds it was charged count against the organization's daily quota (429 naming it,
/// Retry-After until UTC midnight) until the next day.
/// </summary>
public class ExecutionEventsTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_docking_records_its_events_and_tool_logs_and_is_charged_its_cpu_seconds(string dialect)
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TesseraAppFactory.CreateAsync(dialect, s => s.AddSingleton<TimeProvider>(clock));
        var (admin, _) = await OrgFixture.MemberAsync(app, "admin@example.org", "lab", "admin");
        var (member, _) = await OrgFixture.MemberAsync(app, "member@example.org", "lab", "member");
        var (rival, _) = await OrgFixture.MemberAsync(app, "rival@example.org", "rival", "owner");
        var receptor = await DockingFixture.KeepAsync(member, DockingFixture.ReceptorPdbqt, "1iep_receptor.pdbqt", "pdbqt");
        var parameters = new { receptor, ligand = "CCO", box = OrgFixture.QuickBox, exhaustiveness = 1, num_modes = 2, cpu = 4 };

        var submitted = await DockingFixture.ExecuteAsync(member, "vina.dock", parameters);
        var done = await DockingFixture.WaitAsync(member, submitted.Id, TimeSpan.FromMinutes(3));
        Assert.True(done["state"]!.GetValue<string>() == "succeeded", done.ToJsonString());

        // Every step in order: the cache's decision, queued, started, the service, each tool (ligand preparation, vina, pose conversion), succeeded.
        var events = (await member.GetAsync("GET /api/v1/chem/executions/{id}/events", $"/api/v1/chem/executions/{submitted.Id}/events")).Value.AsArray();
        Assert.Equal(
            ["cache", "queued", "started", "service", "tool_started", "tool_finished", "tool_started", "tool_finished", "tool_started", "tool_finished", "succeeded"],
            events.Select(e => e!["type"]!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => e!["seq"]!.GetValue<int>()));
        Assert.Equal("miss", events[0]!["data"]!["outcome"]!.GetValue<string>());
        Assert.Equal("in-process", events[3]!["data"]!["service"]!.GetValue<string>());
        Assert.Equal(["ligand preparation", "vina", "pose conversion"], events.Where(e => e!["type"]!.GetValue<string>() == "tool_finished").Select(e => e!["data"]!["step"]!.GetValue<string>()));
        Assert.All(events.Where(e => e!["type"]!.GetValue<string>() == "tool_finished"), e => Assert.Equal(0, e!["data"]!["exit_code"]!.GetValue<int>()));
        var succeeded = events[^1]!["data"]!;
        var seconds = succeeded["seconds"]!.GetValue<double>();
        var cpu = succeeded["cpu_seconds"]!.GetValue<double>();
        Assert.True(seconds > 0, succeeded.ToJsonString());
        // Charged its wall time times the threads it asked for (cpu: 4).
        Assert.InRange(cpu, seconds * 4 - 0.01, seconds * 4 + 0.01);
        Assert.Equal(cpu, done["cpu_seconds"]!.GetValue<double>());

        // Each tool's output is a log with a signed link: it downloads without a token, not tampered with, not once expired.
        var logs = (await member.GetAsync("GET /api/v1/chem/executions/{id}/logs", $"/api/v1/chem/executions/{submitted.Id}/logs")).Value.AsArray();
        var vinaLog = logs.Single(l => l!["tool"]!.GetValue<string>() == "vina" && l["stream"]!.GetValue<string>() == "stdout")!;
        Assert.Contains(logs, l => l!["tool"]!.GetValue<string>() == "obabel" && l["stream"]!.GetValue<string>() == "stderr");
        using var anonymous = app.CreateClient();
        var url = vinaLog["url"]!.GetValue<string>();
        var text = await anonymous.GetStringAsync(new Uri(url, UriKind.Relative));
        Assert.Contains("AutoDock Vina", text, StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetByteCount(text), vinaLog["size_bytes"]!.GetValue<long>());
        var tampered = url[..^1] + (url[^1] == 'A' ? 'B' : 'A');
        Assert.Equal("SIGNATURE_INVALID", await RefusedAsync(anonymous, tampered));
        await rival.GetAsync("GET /api/v1/chem/executions/{id}/events", $"/api/v1/chem/executions/{submitted.Id}/events", 404);
        await rival.GetAsync("GET /api/v1/chem/executions/{id}/logs", $"/api/v1/chem/executions/{submitted.Id}/logs", 404);

        // The CPU seconds count against the day's quota: at 1 CPU second a day, the next execution is refused until the next day.
        var quotas = (await member.GetAsync("GET /api/v1/chem/quotas", "/api/v1/chem/quotas")).Value;
        Assert.Equal(cpu, quotas["cpu_seconds_per_day"]!["used"]!.GetValue<double>(), 3);
        await admin.SendJsonAsync("PUT /api/v1/chem/quotas", "/api/v1/chem/quotas", 200,
            JsonSerializer.Serialize(new { max_concurrent_executions = (long?)null, cpu_seconds_per_day = 1, max_stored_bytes = (long?)null }));
        using (var raw = await member.Http.PostAsync(new Uri("/api/v1/chem/tasks/vina.dock/execute?cache=false", UriKind.Relative),
            new StringContent(JsonSerializer.Serialize(parameters), Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, raw.StatusCode);
            var problem = JsonNode.Parse(await raw.Content.ReadAsStringAsync())!;
            Assert.Equal(ChemErrorCodes.QuotaCpuSeconds, problem["code"]!.GetValue<string>());
            Assert.Equal("cpu_seconds_per_day", problem["quota"]!.GetValue<string>());
            Assert.Equal(1, problem["limit"]!.GetValue<long>());
            Assert.Equal(cpu, problem["used"]!.GetValue<double>(), 3);
            var midnight = new DateTimeOffset(clock.GetUtcNow().UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
            Assert.InRange(raw.Headers.RetryAfter!.Delta!.Value, midnight - clock.GetUtcNow() - TimeSpan.FromSeconds(1), midnight - clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        }
        // A cache hit runs nothing, so it is served even now, charged nothing, and its story is short.
        var hit = await DockingFixture.ExecuteAsync(member, "vina.dock", parameters);
        Assert.True(hit.Value["cached"]!.GetValue<bool>());
        Assert.Equal(0, hit.Value["cpu_seconds"]!.GetValue<double>());
        var hitEvents = (await member.GetAsync("GET /api/v1/chem/executions/{id}/events", $"/api/v1/chem/executions/{hit.Id}/events")).Value.AsArray();
        Assert.Equal(["cache", "succeeded"], hitEvents.Select(e => e!["type"]!.GetValue<string>()));
        Assert.Equal(submitted.Id, hitEvents[0]!["data"]!["cached_from"]!.GetValue<string>());

        // Past the link's hour, then past UTC midnight (the tokens live a day).
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal("SIGNATURE_EXPIRED", await RefusedAsync(anonymous, url));
        var midnightNext = new DateTimeOffset(clock.GetUtcNow().UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        if (clock.GetUtcNow().UtcDateTime.Date == DateTimeOffset.UtcNow.UtcDateTime.Date) clock.Advance(midnightNext - clock.GetUtcNow() + TimeSpan.FromMinutes(1));
        var nextDay = await DockingFixture.ExecuteAsync(member, "vina.dock", parameters, cache: false);
        Assert.Equal("succeeded", (await DockingFixture.WaitAsync(member, nextDay.Id, TimeSpan.FromMinutes(3)))["state"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Writers_appending_to_one_execution_at_once_each_get_their_own_number(string dialect)
    {
        // Two workers on one execution (a lease that ran out and its successor), or a cancel beside the run, append at once.
        await using var app = await TesseraAppFactory.CreateAsync(dialect, OrgFixture.Holding);
        var (member, _) = await OrgFixture.MemberAsync(app, "member@example.org", "lab", "member");
        var id = (await OrgFixture.DockAsync(member, seed: 1)).Value["id"]!.GetValue<Guid>();
        Execution execution;
        await using (var c = await app.Services.GetRequiredService<TesseraDatabase>().OpenConnectionAsync(default))
            execution = (await ExecutionRows.FindForJobAsync(c, id, default))!;
        var journal = app.Services.GetRequiredService<ExecutionJournal>();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            journal.AppendAsync(execution, ExecutionEventTypes.Service, $"writer {i}", null, default))));

        var events = (await member.GetAsync("GET /api/v1/chem/executions/{id}/events", $"/api/v1/chem/executions/{id}/events")).Value.AsArray();
        Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => e!["seq"]!.GetValue<int>()));
        Assert.Equal(
            Enumerable.Range(0, 20).Select(i => $"writer {i}").Order(),
            events.Select(e => e!["message"]!.GetValue<string>()).Where(m => m.StartsWith("writer ", StringComparison.Ordinal)).Order());
    }

    private static async Task<string> RefusedAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["code"]!.GetValue<string>();
    }
}
