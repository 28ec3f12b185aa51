using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tessera.Testing;
using static Tessera.Server.Tests.AuthTestKit;
using static Tessera.Server.Tests.OmicsTestKit;

namespace Tessera.Server.Tests;

public class OmicsPipelineTests
{
    private static async Task<JsonElement> WaitUntilEmbeddedAsync(HttpClient client, string runId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var run = await Json(await client.GetAsync(new Uri($"/api/v1/omics/runs/{runId}", UriKind.Relative)));
            if (run.GetProperty("state").GetString() == "embedded") return run;
            Assert.True(DateTime.UtcNow < deadline, "the run was not embedded in time: " + run);
            await Task.Delay(200);
        }
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task An_upload_is_parsed_embedded_by_a_job_and_can_be_summarized_compared_and_exported(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (alice, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");
        var (bob, _, _, _) = await SignInAsync(app, "bob@example.com", "other-lab");
        var fasta = Encoding.UTF8.GetBytes(">amp1 magainin\nGIGKFLHSAKKFGKAFVGEIMNS\n>amp2\nKLAKLAKKLAKLAK\n>dup\nklaklakklaklak\n>bad\nKLJAK\n>p5\nGLFDIIKKIAESF\n");

        var accepted = await alice.PostAsync(new Uri("/api/v1/omics/runs", UriKind.Relative), Upload(fasta, "peptides.fasta", "first run"));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var body = await Json(accepted);
        var runId = body.GetProperty("run").GetProperty("id").GetString()!;
        Assert.Equal("parsed", body.GetProperty("run").GetProperty("state").GetString());
        Assert.Equal(3, body.GetProperty("run").GetProperty("peptide_count").GetInt32());
        Assert.Equal(1, body.GetProperty("run").GetProperty("error_count").GetInt32());
        Assert.Equal("omics.embed", body.GetProperty("job").GetProperty("kind").GetString());

        var run = await WaitUntilEmbeddedAsync(alice, runId);
        Assert.Equal("tessera-peptide-descriptors-v1", run.GetProperty("embedder").GetString());

        var summary = await alice.GetAsync(new Uri($"/api/v1/omics/runs/{runId}/summary", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, summary.StatusCode);
        Assert.Equal(3, (await Json(summary)).GetProperty("peptide_count").GetInt32());

        var compare = await alice.PostAsJsonAsync("/api/v1/omics/compare", new { run_a = runId, run_b = runId });
        Assert.Equal(HttpStatusCode.OK, compare.StatusCode);
        Assert.Equal(3, (await Json(compare)).GetProperty("shared_sequences").GetInt32());

        var export = await Json(await alice.GetAsync(new Uri($"/api/v1/omics/runs/{runId}/export", UriKind.Relative)));
        Assert.Equal("OmicsToken", export.GetProperty("format").GetString());
        Assert.Equal(["amp1", "amp2", "dup", "p5"], export.GetProperty("peptides").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.Equal(64, export.GetProperty("content_hash").GetString()!.Length);
        var csv = await alice.GetAsync(new Uri($"/api/v1/omics/runs/{runId}/export?format=csv", UriKind.Relative));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);

        // Search: the query sequence finds itself first, embedded on the fly with the run's embedder.
        var searchResponse = await alice.PostAsJsonAsync("/api/v1/omics/search", new { sequence = "gigkflhsakkfgkafvgeimns", k = 3 });
        Assert.True(searchResponse.IsSuccessStatusCode, await searchResponse.Content.ReadAsStringAsync());
        var found = await Json(searchResponse);
        var top = found.GetProperty("hits")[0];
        Assert.Equal("GIGKFLHSAKKFGKAFVGEIMNS", top.GetProperty("sequence").GetString());
        Assert.Equal(1.0, top.GetProperty("score").GetDouble(), 1e-4);
        Assert.Equal(3, found.GetProperty("hits").GetArrayLength());
        var peptideId = top.GetProperty("peptide_id").GetString();
        var byPeptide = await alice.PostAsJsonAsync("/api/v1/omics/search", new { peptide_id = peptideId, k = 2, run_ids = new[] { runId } });
        Assert.Equal(HttpStatusCode.OK, byPeptide.StatusCode);
        Assert.Equal(peptideId, (await Json(byPeptide)).GetProperty("hits")[0].GetProperty("peptide_id").GetString());
        var badQuery = await alice.PostAsJsonAsync("/api/v1/omics/search", new { sequence = "KLJ" });
        Assert.Equal(HttpStatusCode.BadRequest, badQuery.StatusCode);

        // Bob's searches see none of Alice's peptides.
        var bobFound = await Json(await bob.PostAsJsonAsync("/api/v1/omics/search", new { sequence = "GIGKFLHSAKKFGKAFVGEIMNS", k = 3 }));
        Assert.Empty(bobFound.GetProperty("hits").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsJsonAsync("/api/v1/omics/search", new { peptide_id = peptideId })).StatusCode);

        // Bob sees Alice's run exactly as he sees a run that does not exist, on every route.
        foreach (var suffix in new[] { "", "/summary", "/export" })
        {
            var theirs = await bob.GetAsync(new Uri($"/api/v1/omics/runs/{runId}{suffix}", UriKind.Relative));
            var missing = await bob.GetAsync(new Uri($"/api/v1/omics/runs/{Guid.CreateVersion7()}{suffix}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
            Assert.Equal(await missing.Content.ReadAsByteArrayAsync(), await theirs.Content.ReadAsByteArrayAsync());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsJsonAsync("/api/v1/omics/compare", new { run_a = runId, run_b = runId })).StatusCode);
        Assert.Empty((await Json(await bob.GetAsync(new Uri("/api/v1/omics/runs", UriKind.Relative)))).EnumerateArray());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Malformed_uploads_get_a_clear_4xx_and_store_nothing(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect, settings: new Dictionary<string, string?> { ["omics:max_line_length"] = "2000" });
        var (client, _, _, _) = await SignInAsync(app, "carol@example.com", "lab");
        var garbage = new byte[4096];
        new Random(9).NextBytes(garbage);
        var cases = new (byte[] Content, string Name, string Expect)[]
        {
            (garbage, "x.bin", "not text"),
            ([], "empty.fasta", "empty"),
            ("KLAKLAK\nGIGKFLHS\n"u8.ToArray(), "noheader.fasta", "neither FASTA"),
            ("id,peptide\n1,KLAK\n"u8.ToArray(), "p.csv", "no 'sequence' column"),
            (Encoding.UTF8.GetBytes(">long\n" + new string('A', 5000) + "\n"), "long.fasta", "omics:max_line_length"),
            (">x\nKLJ\n>y\nBJ\n"u8.ToArray(), "letters.fasta", "no valid peptide record"),
        };
        foreach (var (content, name, expect) in cases)
        {
            var response = await client.PostAsync(new Uri("/api/v1/omics/runs", UriKind.Relative), Upload(content, name));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Contains(expect, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var notMultipart = await client.PostAsJsonAsync("/api/v1/omics/runs", new { sequence = "KLAK" });
        Assert.Equal(HttpStatusCode.BadRequest, notMultipart.StatusCode);
        Assert.Empty((await Json(await client.GetAsync(new Uri("/api/v1/omics/runs", UriKind.Relative)))).EnumerateArray());
    }
}
