using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tessera.Testing;
using static Tessera.Server.Tests.AuthTestKit;
using static Tessera.Server.Tests.OmicsTestKit;
using static Tessera.Testing.JobPolling;

namespace Tessera.Server.Tests;

/// <summary>The JSON and files a client receives from the Omics routes, fed degenerate data.</summary>
public partial class OmicsContractTests
{
    private static string Fasta(IEnumerable<string> sequences, string prefix) =>
        string.Concat(sequences.Select((s, i) => $">{prefix}{i}\n{s}\n"));

    private static async Task<string> EmbeddedRunAsync(HttpClient client, string fasta, string name)
    {
        var (runId, jobId, _) = await UploadRunAsync(client, fasta, name);
        Assert.Equal("succeeded", (await WaitForJobAsync(client, jobId)).GetProperty("state").GetString());
        return runId;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> CompareAsync(HttpClient client, string runA, string runB)
    {
        var response = await client.PostAsJsonAsync("/api/v1/omics/compare", new { run_a = runA, run_b = runB });
        return (response.StatusCode, await Json(response));
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return body;
    }

    private static IEnumerable<(string Path, JsonElement Value)> Numbers(JsonElement element, string path = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                yield return (path, element);
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    foreach (var n in Numbers(property.Value, $"{path}.{property.Name}")) yield return n;
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var n in Numbers(item, $"{path}[{i++}]")) yield return n;
                }
                break;
        }
    }

    /// <summary>Significant digits of a JSON number as written: "0.0750362" has 6, "1.0000001192092896" has 17.</summary>
    private static int SignificantDigits(string raw)
    {
        var mantissa = raw.TrimStart('-').Split('e', 'E')[0].Replace(".", "", StringComparison.Ordinal).TrimStart('0');
        return Math.Max(1, (raw.Contains('.', StringComparison.Ordinal) ? mantissa : mantissa.TrimEnd('0')).Length);
    }

    private static void AssertRoundedForDisplay(JsonElement body)
    {
        foreach (var (path, value) in Numbers(body))
            Assert.True(SignificantDigits(value.GetRawText()) <= 6, $"{path} = {value.GetRawText()} carries float noise beyond 6 significant digits");
    }

    private static void WithoutJobWorkers(IServiceCollection services)
    {
        foreach (var worker in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "JobWorkerService").ToList())
            services.Remove(worker);
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")]
    private static partial Regex UtcMicroseconds();

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Compare_reports_an_undefined_test_as_null_with_a_reason_for_one_peptide_or_constant_features(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");
        var nineMers = TestPeptides.Random(6, seed: 9, minLength: 9, maxLength: 9);
        var runA = await EmbeddedRunAsync(client, Fasta(nineMers[..3], "a"), "nine-a");
        var runB = await EmbeddedRunAsync(client, Fasta(nineMers[3..], "b"), "nine-b");
        var single = await EmbeddedRunAsync(client, Fasta(nineMers[..1], "s"), "single");

        var (status, constant) = await CompareAsync(client, runA, runB);
        Assert.True(status == HttpStatusCode.OK, constant.ToString());
        var length = constant.GetProperty("feature_deltas").EnumerateArray().Single(d => d.GetProperty("feature").GetString() == "length");
        Assert.Equal(JsonValueKind.Null, length.GetProperty("p_value").ValueKind);
        Assert.Equal(JsonValueKind.Null, length.GetProperty("t").ValueKind);
        Assert.Equal("zero variance in both runs", length.GetProperty("undefined_reason").GetString());
        Assert.Equal(0, length.GetProperty("delta").GetDouble());
        var weight = constant.GetProperty("feature_deltas").EnumerateArray().Single(d => d.GetProperty("feature").GetString() == "molecular_weight");
        Assert.Equal(JsonValueKind.Number, weight.GetProperty("p_value").ValueKind);
        Assert.Equal(JsonValueKind.Null, weight.GetProperty("undefined_reason").ValueKind);

        var (singleStatus, withSingle) = await CompareAsync(client, single, runB);
        Assert.True(singleStatus == HttpStatusCode.OK, withSingle.ToString());
        Assert.All(withSingle.GetProperty("feature_deltas").EnumerateArray(), d =>
        {
            Assert.Equal(JsonValueKind.Null, d.GetProperty("p_value").ValueKind);
            Assert.Equal("fewer than 2 peptides in a run", d.GetProperty("undefined_reason").GetString());
        });
        Assert.Equal(1, (await GetJsonAsync(client, $"/api/v1/omics/runs/{single}/summary")).GetProperty("peptide_count").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Records_of_ambiguity_codes_only_are_rejected_at_upload_and_the_rest_is_embedded(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");
        var (runId, jobId, run) = await UploadRunAsync(client, ">ok\nKLAKLAKKLAK\n>ambiguous\nXXBZUO\n>lower\nxbzuo\n", "ambiguous");
        Assert.Equal(1, run.GetProperty("peptide_count").GetInt32());
        Assert.Equal(2, run.GetProperty("error_count").GetInt32());
        Assert.All(run.GetProperty("errors").EnumerateArray(), e => Assert.Equal("NO_STANDARD_RESIDUE", e.GetProperty("code").GetString()));
        Assert.Equal("succeeded", (await WaitForJobAsync(client, jobId)).GetProperty("state").GetString());
        Assert.Equal("embedded", (await GetJsonAsync(client, $"/api/v1/omics/runs/{runId}")).GetProperty("state").GetString());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_run_whose_embedding_job_fails_reads_failed_with_the_reason_and_the_job_shows_no_stack_trace(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        string runId, jobId;
        // First a server without job workers, so the run waits in 'parsed' for the change below.
        await using (var stopped = new TesseraAppFactory(scratch, WithoutJobWorkers, settings: null, ownsDatabase: false))
        {
            var (client, _, _, _) = await SignInAsync(stopped, "alice@example.com", "lab");
            (runId, jobId, _) = await UploadRunAsync(client, ">p1\nKLAKLAKKLAK\n>p2\nGIGKFLHSAKKF\n", "doomed");
        }
        // A peptide stored under an older, looser alphabet: the embedder refuses it whenever the job runs.
        await using (var c = await scratch.Database.OpenConnectionAsync())
            Assert.Equal(1, await c.ExecuteAsync("UPDATE omics_peptides SET sequence = 'XXXX' WHERE sequence = 'GIGKFLHSAKKF'"));

        await using var app = TesseraAppFactory.Over(scratch);
        var (alice, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");
        var job = await WaitForJobAsync(alice, jobId);
        Assert.Equal("failed", job.GetProperty("state").GetString());
        var error = job.GetProperty("error");
        Assert.Contains("XXXX", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(error.GetProperty("code").GetString()));
        Assert.DoesNotContain(" at ", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(".cs", error.ToString(), StringComparison.Ordinal);

        var run = await GetJsonAsync(alice, $"/api/v1/omics/runs/{runId}");
        Assert.Equal("failed", run.GetProperty("state").GetString());
        Assert.Contains("XXXX", run.GetProperty("failure").GetString(), StringComparison.Ordinal);
        var export = await alice.GetAsync(new Uri($"/api/v1/omics/runs/{runId}/export", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Conflict, export.StatusCode);
        var problem = await Json(export);
        Assert.Equal("RUN_FAILED", problem.GetProperty("code").GetString());
        Assert.Contains("XXXX", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Summary_and_compare_keep_residue_keys_clamp_cosines_and_round_away_float_noise(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");
        var runId = await EmbeddedRunAsync(client, Fasta(TestPeptides.Random(40, seed: 3, minLength: 8, maxLength: 30), "p"), "noisy");

        var summary = await GetJsonAsync(client, $"/api/v1/omics/runs/{runId}/summary");
        var export = await GetJsonAsync(client, $"/api/v1/omics/runs/{runId}/export");
        var exportKeys = export.GetProperty("peptides")[0].GetProperty("features").GetProperty("composition").EnumerateObject().Select(p => p.Name).ToList();
        var summaryKeys = summary.GetProperty("composition").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("A", summaryKeys);
        Assert.Empty(summaryKeys.Except(exportKeys, StringComparer.Ordinal));
        AssertRoundedForDisplay(summary);

        var (status, self) = await CompareAsync(client, runId, runId);
        Assert.True(status == HttpStatusCode.OK, self.ToString());
        Assert.Equal(1.0, self.GetProperty("centroid_cosine").GetDouble());
        Assert.All(self.GetProperty("top_matches").EnumerateArray(), m => Assert.Equal(1.0, m.GetProperty("similarity").GetDouble()));
        Assert.All(self.GetProperty("nearest_neighbour_quantiles").EnumerateObject(), q => Assert.True(q.Value.GetDouble() <= 1.0, q.ToString()));
        AssertRoundedForDisplay(self);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Timestamps_are_utc_with_a_z_and_six_fractional_digits_in_the_api_and_the_export(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");
        var runId = await EmbeddedRunAsync(client, Fasta(["KLAKLAKKLAK", "GIGKFLHSAKKF"], "p"), "times");

        var run = await GetJsonAsync(client, $"/api/v1/omics/runs/{runId}");
        var job = await GetJsonAsync(client, $"/api/v1/jobs/{run.GetProperty("job_id").GetString()}");
        var export = await GetJsonAsync(client, $"/api/v1/omics/runs/{runId}/export");
        foreach (var timestamp in new[] { run.GetProperty("created_at"), run.GetProperty("updated_at"), job.GetProperty("created_at"), export.GetProperty("created_at") })
            Assert.Matches(UtcMicroseconds(), timestamp.GetString()!);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Csv_export_cells_that_a_spreadsheet_would_run_as_formulas_are_quoted_out(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");
        var runId = await EmbeddedRunAsync(client, ">=HYPERLINK(1)\nKLAKLAK\n>+1\nGIGKFLHS\n>-2\nGLFDIIKK\n>@cmd\nKKLLKKLL\n>plain\nAAAKKK\n", "formulas");

        var response = await client.GetAsync(new Uri($"/api/v1/omics/runs/{runId}/export?format=csv", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ids = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(',')[0]).ToList();
        Assert.Equal(["'=HYPERLINK(1)", "'+1", "'-2", "'@cmd", "plain"], ids);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Search_refuses_too_many_run_ids_an_overlong_query_and_duplicate_json_keys_with_400(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");
        await EmbeddedRunAsync(client, Fasta(["KLAKLAKKLAK", "GIGKFLHSAKKF"], "p"), "searchable");

        var manyRuns = await client.PostAsJsonAsync("/api/v1/omics/search", new { sequence = "KLAKLAK", run_ids = Enumerable.Range(0, 40_000).Select(_ => Guid.NewGuid()).ToList() });
        Assert.Equal(HttpStatusCode.BadRequest, manyRuns.StatusCode);
        Assert.Equal("LIMIT_EXCEEDED", await CodeOf(manyRuns));

        var longQuery = await client.PostAsJsonAsync("/api/v1/omics/search", new { sequence = new string('K', 100_000) });
        Assert.Equal(HttpStatusCode.BadRequest, longQuery.StatusCode);
        Assert.Equal("LIMIT_EXCEEDED", await CodeOf(longQuery));

        using var duplicate = new StringContent("""{"sequence":"KLAKLAK","sequence":"GIGKFLHS","k":1}""", Encoding.UTF8, "application/json");
        var duplicated = await client.PostAsync(new Uri("/api/v1/omics/search", UriKind.Relative), duplicate);
        Assert.Equal(HttpStatusCode.BadRequest, duplicated.StatusCode);
        Assert.False(string.IsNullOrEmpty(await CodeOf(duplicated)));
    }
}
