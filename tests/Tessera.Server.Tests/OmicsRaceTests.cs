using System.Net;
using System.Text;
using Dapper;
using Tessera.Testing;
using static Tessera.Server.Tests.AuthTestKit;
using static Tessera.Server.Tests.OmicsTestKit;
using static Tessera.Testing.JobPolling;

namespace Tessera.Server.Tests;

/// <summary>Omics runs under many conflicting requests at once, on both dialects.</summary>
public class OmicsRaceTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Uploading_one_file_many_times_at_once_gives_each_accepted_upload_its_own_embedded_run(string dialect)
    {
        const int Requests = 8;
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");
        var fasta = Encoding.UTF8.GetBytes(string.Concat(TestPeptides.Random(20, seed: 8, minLength: 8, maxLength: 20).Select((p, i) => $">p{i}\n{p}\n")));

        // The same bytes, so every upload stores the same content-addressed blob at once.
        var responses = await Races.RunAsync(Requests, i => client.PostAsync(new Uri("/api/v1/omics/runs", UriKind.Relative), Upload(fasta, "same.fasta", $"copy {i}")));

        await Races.AssertNoServerErrorsAsync(responses);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests }));
        var accepted = responses.Where(r => r.StatusCode == HttpStatusCode.Accepted).ToList();
        Assert.NotEmpty(accepted);
        var runIds = new HashSet<string>();
        foreach (var response in accepted)
        {
            var body = await Json(response);
            runIds.Add(body.GetProperty("run").GetProperty("id").GetString()!);
            Assert.Equal("succeeded", (await WaitForJobAsync(client, body.GetProperty("job").GetProperty("id").GetString()!)).GetProperty("state").GetString());
        }
        Assert.Equal(accepted.Count, runIds.Count);
        var runs = (await Json(await client.GetAsync(new Uri("/api/v1/omics/runs", UriKind.Relative)))).EnumerateArray().ToList();
        Assert.Equal(runIds.Order(), runs.Select(r => r.GetProperty("id").GetString()!).Order());
        Assert.All(runs, r => Assert.Equal("embedded", r.GetProperty("state").GetString()));
        Assert.All(runs, r => Assert.Equal(20, r.GetProperty("peptide_count").GetInt32()));
        await using var connection = await app.Database.Database.OpenConnectionAsync();
        Assert.Equal(20L * accepted.Count, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM omics_peptides"));
        Assert.Equal(20L * accepted.Count, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM omics_embeddings"));
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Deleting_one_run_many_times_at_once_deletes_it_once_and_answers_the_rest_not_found(string dialect)
    {
        const int Requests = 8;
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");
        var fasta = string.Concat(TestPeptides.Random(20, seed: 9, minLength: 8, maxLength: 20).Select((p, i) => $">p{i}\n{p}\n"));
        var (runId, jobId, _) = await UploadRunAsync(client, fasta, "doomed");
        Assert.Equal("succeeded", (await WaitForJobAsync(client, jobId)).GetProperty("state").GetString());

        var responses = await Races.RunAsync(Requests, _ => client.DeleteAsync(new Uri($"/api/v1/omics/runs/{runId}", UriKind.Relative)));

        await Races.AssertNoServerErrorsAsync(responses);
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.NoContent);
        Assert.Equal(Requests - 1, responses.Count(r => r.StatusCode == HttpStatusCode.NotFound));
        await using var connection = await app.Database.Database.OpenConnectionAsync();
        foreach (var table in new[] { "omics_runs", "omics_peptides", "omics_records", "omics_embeddings" })
            Assert.Equal(0L, await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}"));
        // Each label recorded once, whichever request deleted the run.
        Assert.Equal(20L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(DISTINCT label) FROM omics_deleted_labels"));
        Assert.Equal(20L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM omics_deleted_labels"));
    }
}
